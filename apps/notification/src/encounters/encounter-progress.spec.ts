import { availableActions, NOTHING_RECORDED, recordAction } from './encounter-progress';

const none = { referrals: [], timeOffSuggested: false };

describe('encounter progress', () => {
  it('offers the contact first, then follow-ups and closing, then nothing', () => {
    expect(availableActions(NOTHING_RECORDED)).toEqual(['contact-made', 'declined']);
    const contacted = recordAction(NOTHING_RECORDED, 'contact-made', { referrals: ['legal', 'legal'], timeOffSuggested: true })!;
    expect(contacted.report).toEqual({ contactMade: true, referrals: ['legal'], timeOffSuggested: true });
    expect(availableActions(contacted.progress)).toEqual(['follow-up', 'close']);
    const followed = recordAction(contacted.progress, 'follow-up', { referrals: ['chaplaincy'], timeOffSuggested: false })!;
    expect(followed.report).toEqual({ followUpCompleted: true, referrals: ['chaplaincy'] });
    expect(followed.progress).toMatchObject({ followUpsDone: 1, referrals: ['legal', 'chaplaincy'], timeOffSuggested: true });
    const closed = recordAction(followed.progress, 'close', none)!;
    expect(closed.report).toEqual({ close: true });
    expect(availableActions(closed.progress)).toEqual([]);
  });

  it('refuses steps the state does not offer', () => {
    expect(recordAction(NOTHING_RECORDED, 'follow-up', none)).toBeUndefined();
    expect(recordAction(NOTHING_RECORDED, 'close', none)).toBeUndefined();
    const declined = recordAction(NOTHING_RECORDED, 'declined', { referrals: ['eap-therapy'], timeOffSuggested: false })!;
    expect(declined.report).toEqual({ supportDeclined: true, referrals: ['eap-therapy'] });
    expect(availableActions(declined.progress)).toEqual([]);
    expect(recordAction(declined.progress, 'contact-made', none)).toBeUndefined();
  });
});
