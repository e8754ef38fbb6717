import fc from 'fast-check';
import { ATTENDANCE_BANDS } from '@harbor/contracts';
import { Published } from '../disclosure/statistics';
import { caseFacts } from './case-fact.fixtures';
import { DebriefFact, GroupDebriefCounts, groupDebriefCounts, sumGroupDebriefs } from './group-debriefs';
import { periodOf } from './periods';
import { PlaceVocabulary } from './places';
import { buildRelease } from './release';
import { buildReport } from './report';

const K = 11;
const MARCH = new Date(Date.UTC(2025, 2, 5));
const debrief = (status: string, attendanceBand: string | null = null, openedHour = MARCH): DebriefFact => ({ openedHour, status, attendanceBand });
const many = (n: number, status: string, band: string | null = null) => Array.from({ length: n }, () => debrief(status, band));
const cells = (counts: GroupDebriefCounts): Published[] => [counts.offered, counts.held, counts.declined, counts.open, ...counts.attendance.map((a) => a.debriefs)];

describe('group debriefs in a release', () => {
  it('suppresses a small number of debriefs: three held debriefs publish no count at all', () => {
    const counts = groupDebriefCounts([...many(2, 'held', '5-9'), debrief('held', '10+')], K);
    for (const cell of cells(counts)) expect(cell.value === 0 || cell.suppressed).toBe(true);
    expect(counts.offered.suppressed).toBe(true);
    expect(counts.held.suppressed).toBe(true);
    // Zeros are published (they disclose nothing): nobody declined, no debrief still open.
    expect(counts.declined).toEqual({ value: 0, suppressed: false });
  });

  it('publishes counts of at least k, with complementary suppression so a hidden cell is not the difference', () => {
    const counts = groupDebriefCounts([...many(12, 'held', '5-9'), ...many(11, 'declined'), ...many(2, 'offered')], K);
    expect(counts.held).toEqual({ value: 12, suppressed: false });
    expect(counts.open.suppressed).toBe(true);
    // offered = held + declined + open: with `open` hidden, a second member is hidden too (here the smallest, `declined`),
    // and what a reader can subtract (offered - held = 13) is no small cell.
    expect([counts.offered, counts.held, counts.declined, counts.open].filter((cell) => cell.suppressed).length).toBeGreaterThanOrEqual(2);
    for (const cell of cells(counts)) expect(cell.suppressed || cell.value === 0 || cell.value! >= K).toBe(true);
  });

  it('never publishes a count between 1 and k-1, and a published total always equals its published parts', () => {
    const fact = fc.oneof(
      fc.constantFrom('offered', 'declined').map((status) => debrief(status)),
      fc.constantFrom(...ATTENDANCE_BANDS).map((band) => debrief('held', band)),
    );
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 60 }), fc.integer({ min: 2, max: 15 }), (facts, k) => {
        const counts = groupDebriefCounts(facts, k);
        for (const cell of cells(counts)) if (!cell.suppressed && cell.value !== 0 && cell.value < k) return false;
        const parts = [counts.held, counts.declined, counts.open];
        if (!counts.offered.suppressed && parts.every((p) => !p.suppressed)) {
          if (counts.offered.value !== parts.reduce((sum, p) => sum + p.value!, 0)) return false;
        }
        // Rule 2: a relation never has exactly one hidden member.
        for (const members of [[counts.offered, ...parts], [counts.held, ...counts.attendance.map((a) => a.debriefs)]]) {
          if (members.filter((m) => m.suppressed).length === 1) return false;
        }
        return true;
      }),
    );
  });

  it('is built into the period release from the debriefs offered in it, next to (not inside) the cases', () => {
    const vocabulary = new PlaceVocabulary(['north'], ['icu']);
    const period = periodOf(MARCH, 'month');
    const debriefs = [...many(12, 'held', '2-4'), debrief('declined', null, new Date(Date.UTC(2025, 3, 1)))];
    const { release } = buildRelease(period, caseFacts(12, { openedHour: MARCH }), { minCellSize: K, vocabulary }, debriefs);
    expect(release.groupDebriefs!.offered).toEqual({ value: 12, suppressed: false });
    expect(release.groupDebriefs!.held).toEqual({ value: 12, suppressed: false });
    expect(release.groupDebriefs!.attendance).toEqual([
      { band: '2-4', debriefs: { value: 12, suppressed: false } },
      { band: '5-9', debriefs: { value: 0, suppressed: false } },
      { band: '10+', debriefs: { value: 0, suppressed: false } },
    ]);
    expect(release.rows[Object.keys(release.rows)[0]].cells.cases).toEqual({ value: 12, suppressed: false });

    const report = buildReport(
      { plans: new Map([[2025, 'month']]), releases: new Map([[period.label, release]]) },
      { from: period.start, to: period.end, granularity: 'month', place: 'all', grouping: 'kind' },
      K,
    );
    expect(report.periods[0].groupDebriefs!.held).toEqual({ value: 12, suppressed: false });
  });

  it('adds up released parts, hiding the sum when any part is hidden, and knows nothing of releases fixed before debriefs', () => {
    const big = groupDebriefCounts(many(12, 'declined'), K);
    const small = groupDebriefCounts(many(3, 'declined'), K);
    expect(sumGroupDebriefs([big, big])!.declined).toEqual({ value: 24, suppressed: false });
    expect(sumGroupDebriefs([big, small])!.declined.suppressed).toBe(true);
    expect(sumGroupDebriefs([big, undefined])).toBeNull();
  });
});
