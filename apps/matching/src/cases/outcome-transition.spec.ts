import { outcomeTransition, OutcomeConflict } from './outcome-transition';

describe('outcomeTransition', () => {
  it('accepted + contact made → contacted, and schedules the follow-ups', () => {
    const result = outcomeTransition('accepted', null, 0, { contactMade: true, referrals: ['eap-therapy'] }, 'supporter');
    expect(result).toMatchObject({ statuses: ['contacted'], scheduleFollowUps: true, cancelFollowUps: false, releaseSupporter: false });
    expect(result.outcome).toEqual({ contactMade: true, referrals: ['eap-therapy'] });
  });

  it('counts each completed follow-up', () => {
    expect(outcomeTransition('contacted', { contactMade: true }, 0, { followUpCompleted: true }, 'supporter')).toMatchObject({
      statuses: ['follow-up'], followUpsDone: 1, scheduleFollowUps: false,
    });
    expect(outcomeTransition('follow-up', { contactMade: true }, 1, { followUpCompleted: true }, 'supporter').followUpsDone).toBe(2);
  });

  it('refuses a follow-up before contact was recorded', () => {
    expect(() => outcomeTransition('accepted', null, 0, { followUpCompleted: true }, 'supporter')).toThrow(OutcomeConflict);
  });

  it('declined by the clinician: nothing further, follow-ups cancelled, the supporter freed', () => {
    expect(outcomeTransition('accepted', null, 0, { supportDeclined: true }, 'supporter')).toMatchObject({
      statuses: ['declined-by-clinician'], cancelFollowUps: true, releaseSupporter: true, scheduleFollowUps: false,
    });
    expect(outcomeTransition('accepted', null, 0, { contactMade: true, supportDeclined: true }, 'supporter')).toMatchObject({
      statuses: ['contacted', 'declined-by-clinician'], scheduleFollowUps: false, cancelFollowUps: true,
    });
  });

  it('close ends the case and merges the flags recorded so far', () => {
    const result = outcomeTransition('follow-up', { contactMade: true, referrals: ['legal'] }, 2, { close: true, referrals: ['legal', 'eap-therapy'], timeOffSuggested: true }, 'supporter');
    expect(result).toMatchObject({ statuses: ['closed'], cancelFollowUps: true, releaseSupporter: true, followUpsDone: 2 });
    expect(result.outcome).toEqual({ contactMade: true, referrals: ['legal', 'eap-therapy'], timeOffSuggested: true });
  });

  it('records flags without a status change', () => {
    expect(outcomeTransition('contacted', { contactMade: true }, 0, { timeOffSuggested: true }, 'supporter')).toMatchObject({
      statuses: [], outcome: { contactMade: true, timeOffSuggested: true },
    });
  });

  it.each(['requested', 'offered', 'closed', 'declined-by-clinician'] as const)('refuses outcomes on a %s case', (status) => {
    expect(() => outcomeTransition(status, null, 0, { contactMade: true }, 'staff')).toThrow(OutcomeConflict);
  });

  it('lets only staff close an escalated or unresolved case, without freeing a supporter', () => {
    expect(outcomeTransition('escalated', null, 0, { close: true }, 'staff')).toMatchObject({ statuses: ['closed'], releaseSupporter: false });
    expect(() => outcomeTransition('escalated', null, 0, { close: true }, 'supporter')).toThrow(OutcomeConflict);
    expect(() => outcomeTransition('unresolved', null, 0, { contactMade: true }, 'staff')).toThrow(OutcomeConflict);
  });
});
