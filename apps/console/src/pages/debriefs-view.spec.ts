import { debriefOutcomeFromForm, debriefOutcomeProblem, debriefsBody, DebriefView } from './debriefs-view';

const debrief = (overrides: Partial<DebriefView>): DebriefView => ({
  id: '6f1c2f0e-6b7a-4d8e-9a55-0d6f3f1b2c3d', unit: 'icu', program: 'default', facility: 'general', clinicians: 3, status: 'offered',
  attendanceBand: null, coordinatorsPaged: 1, offeredAt: '2026-11-27T00:15:00.000Z', closedAt: null, ...overrides,
});

describe('group debriefs page', () => {
  it('passes on only the structured choices: held with its band, declined without one, held without a band as it is (for matching to name)', () => {
    expect(debriefOutcomeFromForm({ outcome: 'held', attendanceBand: '5-9', _csrf: 'x', notes: 'free text' })).toEqual({ outcome: 'held', attendanceBand: '5-9' });
    expect(debriefOutcomeFromForm({ outcome: 'declined', attendanceBand: '5-9' })).toEqual({ outcome: 'declined' });
    expect(debriefOutcomeFromForm({ outcome: 'held' })).toEqual({ outcome: 'held' });
    expect(debriefOutcomeFromForm({})).toEqual({ outcome: '' });
  });

  it('explains a refusal: already closed, unknown, invalid', () => {
    expect(debriefOutcomeProblem(409, 'Conflict')).toMatch(/already has its outcome.*Conflict/);
    expect(debriefOutcomeProblem(404, 'Not Found')).toMatch(/no such group debrief/);
    expect(debriefOutcomeProblem(422, 'attendanceBand: is required')).toBe('The outcome was not recorded: attendanceBand: is required');
  });

  it('lists open debriefs with who was paged and a form of radio choices each, closed ones with their outcome', () => {
    const open = debrief({});
    const closed = debrief({ id: '7f1c2f0e-6b7a-4d8e-9a55-0d6f3f1b2c3d', unit: 'er <b>', status: 'held', attendanceBand: '5-9', closedAt: '2026-11-27T01:00:00.000Z' });
    const page = debriefsBody({ open: [open], closed: [closed], pages: [{ caseId: open.id, recipientId: 'coord-1', status: 'failed' }], csrf: 'token-1' }).text;
    expect(page).toContain('coord-1 (failed: call them)');
    expect(page).toContain(`action="/debriefs/${open.id}/outcome"`);
    expect(page.match(/name="_csrf" value="token-1"/g)).toHaveLength(2);
    expect(page.match(/type="radio"[^>]*name="attendanceBand"/g)).toHaveLength(3);
    expect(page).not.toMatch(/<textarea|type="text"[^>]*name="(?!program)/);
    expect(page).toContain('held, 5-9 attended');
    expect(page).toContain('er &lt;b&gt;');
    expect(page).toContain('Open (1)');
    expect(page).toContain('Closed (1)');
  });

  it('says when nobody could be paged, and when the paging status is unavailable', () => {
    expect(debriefsBody({ open: [debrief({ coordinatorsPaged: 0 })], closed: [], pages: [], csrf: 'c' }).text).toContain('nobody: no coordinator');
    expect(debriefsBody({ open: [debrief({})], closed: [], csrf: 'c' }).text).toContain('1 (delivery status unavailable)');
    expect(debriefsBody({ open: [], closed: [], pages: [], csrf: 'c' }).text).toContain('No group debrief is waiting');
  });
});
