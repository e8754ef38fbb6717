import { validateEventPayload } from '../definition/event-validation';
import { EncounterRecorded } from './encounter-recorded.v1';

describe('EncounterRecorded v1', () => {
  const valid = {
    recordId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0001', assignmentId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0002', caseId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0003',
    contactMade: true, referrals: ['legal', 'eap-therapy'], timeOffSuggested: true, followUpCompleted: false, close: false, recordedAt: '2026-11-26T22:00:00Z',
  };

  it('takes the outcome flags, the follow-up and the close with the ids of one submission', () => {
    expect(validateEventPayload(EncounterRecorded, valid)).toMatchObject(valid);
    expect(validateEventPayload(EncounterRecorded, { recordId: valid.recordId, assignmentId: valid.assignmentId, caseId: valid.caseId, recordedAt: valid.recordedAt }))
      .toMatchObject({ caseId: valid.caseId });
  });

  it.each([
    ['an unknown referral', { referrals: ['astrology'] }],
    ['more referrals than there are kinds', { referrals: Array(7).fill('legal') }],
    ['a flag that is not a boolean', { close: 'yes' }],
    ['a missing record id', { recordId: undefined }],
    ['free text', { note: 'they were upset' }],
  ])('refuses %s', (_case, change) => {
    expect(() => validateEventPayload(EncounterRecorded, { ...valid, ...change })).toThrow();
  });
});
