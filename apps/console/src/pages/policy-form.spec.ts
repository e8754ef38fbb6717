import { encounterContentFromForm, policyFromForm, triggerPolicyFromForm } from './policy-form';

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

  it('reads the trigger-policy checkboxes as lists (none checked: empty), "all" professions alone, the cooldown as a number', () => {
    expect(triggerPolicyFromForm({ servedProfessions: ['nursing', 'all'], outreachCategories: 'fall-with-harm', minHarmLevel: 'severe', cooldownHours: '24' })).toEqual({
      servedProfessions: ['all'], outreachCategories: ['fall-with-harm'], minHarmLevel: 'severe', lawsuitKinds: [], cooldownHours: 24,
    });
    expect(triggerPolicyFromForm({ servedProfessions: ['nursing', 'pharmacy'], cooldownHours: '2 days' })).toMatchObject({ servedProfessions: ['nursing', 'pharmacy'], minHarmLevel: '', cooldownHours: '2 days' });
  });

  it('sends only the trigger-policy fields changed from what the page showed', () => {
    const shown = { 'shown.servedProfessions': 'all', 'shown.outreachCategories': 'fall-with-harm,medication-error', 'shown.minHarmLevel': 'mild', 'shown.lawsuitKinds': '', 'shown.cooldownHours': '72' };
    expect(triggerPolicyFromForm({ ...shown, servedProfessions: 'all', outreachCategories: ['medication-error', 'fall-with-harm'], minHarmLevel: 'severe', cooldownHours: '72' })).toEqual({ minHarmLevel: 'severe' });
    expect(triggerPolicyFromForm({ ...shown, servedProfessions: 'all', outreachCategories: 'medication-error', minHarmLevel: 'mild', lawsuitKinds: 'lawsuit', cooldownHours: '0' })).toEqual({
      outreachCategories: ['medication-error'], lawsuitKinds: ['lawsuit'], cooldownHours: 0,
    });
  });

  it('puts every trigger-policy field back to the configuration on reset', () => {
    expect(Object.values(triggerPolicyFromForm({ reset: 'configuration', minHarmLevel: 'death' }))).toEqual([null, null, null, null, null]);
  });
});
