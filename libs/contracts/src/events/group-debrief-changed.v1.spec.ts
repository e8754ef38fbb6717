import { validateEventPayload } from '../definition/event-validation';
import { GroupDebriefChanged } from './group-debrief-changed.v1';

describe('GroupDebriefChanged v1', () => {
  const offered = { debriefId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0001', status: 'offered', facility: 'general', clinicians: 3, at: '2026-11-27T00:10:00Z' };

  it('takes an offered, a held (with its band) and a declined debrief', () => {
    expect(validateEventPayload(GroupDebriefChanged, offered)).toMatchObject(offered);
    expect(validateEventPayload(GroupDebriefChanged, { ...offered, status: 'held', attendanceBand: '10+' })).toMatchObject({ attendanceBand: '10+' });
    expect(validateEventPayload(GroupDebriefChanged, { ...offered, status: 'declined' })).toMatchObject({ status: 'declined' });
  });

  it.each([
    ['a held debrief without its band', { status: 'held' }],
    ['a band that is not one of the bands', { status: 'held', attendanceBand: '12' }],
    ['a band on a declined debrief', { status: 'declined', attendanceBand: '2-4' }],
    ['a band on an offered debrief', { attendanceBand: '5-9' }],
    ['an unknown status', { status: 'maybe' }],
    ['fewer than two clinicians', { clinicians: 1 }],
    ['a unit (the event carries none)', { unit: 'icu' }],
    ['free text', { notes: 'the team was upset' }],
  ])('refuses %s', (_case, change) => {
    expect(() => validateEventPayload(GroupDebriefChanged, { ...offered, ...change })).toThrow(/attendanceBand|status|clinicians|unit|notes/);
  });
});
