import { encounterContentFromForm, policyFromForm } from './policy-form';

describe('program settings forms', () => {
  it('turns minutes and hours into the seconds matching stores, and passes what is not a number through', () => {
    expect(policyFromForm({
      program: 'icu', facilities: 'general, north', departmentRule: 'avoid', professionRule: 'prefer', languageRule: 'any', ackTimeoutMinutes: '15',
      overallDeadlineMinutes: '240', maxOffers: '3', followUpHours: '24, 168', fallbackResource: 'national-line', restAfterSevereHours: '48', monthlyCaseCap: 'x',
    })).toEqual({
      program: 'icu', facilities: ['general', 'north'], departmentRule: 'avoid', professionRule: 'prefer', languageRule: 'any', ackTimeoutSeconds: 900,
      overallDeadlineSeconds: 14_400, maxOffers: 3, followUpSeconds: [86_400, 604_800], fallbackResource: 'national-line', restAfterSevereHours: 48, monthlyCaseCap: 'x',
    });
  });

  it('reads the guide one prompt a line and only the resource rows with a kind', () => {
    expect(encounterContentFromForm({ guide: 'Ask how they are.\r\n\r\nListen. ', resourceKind0: 'legal', resourceLabel0: 'Legal help', resourceUrl0: 'https://x.example', resourceKind1: '' }, 3)).toEqual({
      guide: ['Ask how they are.', 'Listen.'],
      resources: [{ kind: 'legal', label: 'Legal help', url: 'https://x.example' }],
    });
  });
});
