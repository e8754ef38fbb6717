import fc from 'fast-check';
import { Published } from '../disclosure/statistics';
import { CaseFact } from './case-fact';
import { caseFactArbitrary, caseFacts, HOSTILE_DEPARTMENTS, HOSTILE_FACILITIES } from './case-fact.fixtures';
import { GROUPINGS } from './dimensions';
import { GRANULARITIES, parseMonth } from './periods';
import { PLACE_LEVELS, placeKey, placeLabel, PlaceVocabulary } from './places';
import { isLabelled } from './release';
import { ReleaseLedger } from './release-ledger';
import { buildReport, Report, ReportQuery } from './report';

const vocabulary = new PlaceVocabulary(['north', 'south', 'east'], ['icu', 'ed', 'surgery']);
const fact = caseFactArbitrary({
  facilities: ['north', 'south', 'east', ...HOSTILE_FACILITIES],
  departments: ['icu', 'ed', 'surgery', ...HOSTILE_DEPARTMENTS],
  from: new Date(Date.UTC(2024, 0, 1)),
  hours: 2 * 365 * 24,
});

const month = fc.integer({ min: 0, max: 23 }).map((m) => `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
const query = fc.record({
  from: month,
  months: fc.integer({ min: 1, max: 24 }),
  granularity: fc.constantFrom(...GRANULARITIES),
  place: fc.constantFrom(...PLACE_LEVELS),
  facility: fc.option(fc.constantFrom('north', 'south', 'other'), { nil: undefined }),
  grouping: fc.constantFrom(...GROUPINGS),
});

/** A ledger with every period of 2024 and 2025 fixed, as the store would hold it in February 2026. */
function ledgerOf(facts: CaseFact[], k: number, granularity: 'auto' | 'month' | 'quarter' | 'year' = 'auto'): ReleaseLedger {
  const ledger = new ReleaseLedger({ minCellSize: k, vocabulary, delayDays: 14, granularity });
  const now = new Date(Date.UTC(2026, 1, 1));
  const of = (year: number) => facts.filter((f) => f.openedHour.getUTCFullYear() === year);
  ledger.advance(2024, { year: of(2024), previous: [] }, now);
  ledger.advance(2025, { year: of(2025), previous: of(2024) }, now);
  return ledger;
}

const ask = (ledger: ReleaseLedger, q: Partial<Omit<ReportQuery, 'from' | 'to'>> & { from: string; to: string }, k = 11): Report =>
  buildReport(ledger, { granularity: 'month', place: 'all', grouping: 'outreach', ...q, from: parseMonth(q.from), to: parseMonth(q.to) }, k);

describe('buildReport (fast-check)', () => {
  it('property: any combination of queries publishes no count in 1..k-1, only values of the fixed releases, and no label of a hidden or empty place', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 120 }), fc.array(query, { minLength: 1, maxLength: 4 }), fc.integer({ min: 3, max: 11 }), (facts, queries, k) => {
        const ledger = ledgerOf(facts, k);
        for (const q of queries) {
          const from = parseMonth(q.from);
          const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + q.months, 1));
          const report = buildReport(ledger, { from, to, granularity: q.granularity, place: q.place, facility: q.facility, grouping: q.grouping }, k);
          for (const period of report.periods) {
            const parts = [...ledger.releases.values()].filter((r) => r.period.start >= new Date(period.start) && r.period.end <= new Date(period.end));
            for (const row of period.rows) {
              const keys = parts.map((release) => release.places.find((key) => placeLabel(release.rows[key].place) === row.place));
              // Every part labels the row's place: a label never stands for a hidden or empty place.
              keys.forEach((key, i) => expect(isLabelled(key ? parts[i].rows[key] : undefined)).toBe(true));
              for (const [column, cell] of Object.entries(row.cells)) {
                if (!cell.suppressed) expect(cell.value === 0 || cell.value >= k).toBe(true);
                if (!period.derived) expect(cell).toEqual(parts[0].rows[keys[0]!].cells[column]);
              }
              const hidden = row.cells.cases ? row.cells.cases.suppressed : parts.some((part, i) => part.rows[keys[i]!].cells.cases.suppressed);
              for (const statistic of Object.values(row.statistics ?? {}) as Published[]) if (hidden) expect(statistic.suppressed).toBe(true);
            }
            for (const bin of period.supporterLoad?.bins ?? []) if (!bin.supporters.suppressed) expect(bin.supporters.value === 0 || bin.supporters.value >= k).toBe(true);
          }
        }
      }),
      { numRuns: 40, seed: 0x2e9027 },
    );
  });
});

describe('buildReport', () => {
  it('coarsens months to the year when months are small, and says so', () => {
    const facts = Array.from({ length: 12 }, (_, i) => caseFacts(1, { openedHour: new Date(Date.UTC(2025, i, 3)), department: null })[0]);
    const report = ask(ledgerOf(facts, 11), { from: '2025-01', to: '2026-01', place: 'department' });
    expect(report.periods.map((p) => p.period)).toEqual(['2025']);
    expect(report.coarsening).toEqual(expect.arrayContaining([expect.objectContaining({ dimension: 'period', requested: 'month', applied: '2025: year' })]));
    const row = report.periods[0].rows[0];
    expect(row.cells.cases).toEqual({ value: 12, suppressed: false });
    expect(row.statistics?.percentContactedWithinTarget).toEqual({ value: 100, suppressed: false });
    expect(row.statistics?.medianMinutesToFirstContact).toEqual({ value: 20, suppressed: false });
  });

  it('coarsens categories to their groups when most category cells are hidden, and says so', () => {
    const categories = ['medication-error', 'unexpected-death', 'fall-with-harm', 'wrong-site-procedure'];
    const facts = Array.from({ length: 12 }, (_, i) => caseFacts(1, { category: categories[i % 4], openedHour: new Date(Date.UTC(2025, 5, 1 + i)) })[0]);
    const report = ask(ledgerOf(facts, 11), { from: '2025-01', to: '2026-01', granularity: 'year', grouping: 'category' });
    expect(report.columns).toEqual(['cases', 'group:clinical-incident', 'group:staff-harm', 'group:legal', 'group:referral']);
    expect(report.coarsening).toEqual([expect.objectContaining({ dimension: 'category', requested: 'category', applied: 'group' })]);
    expect(report.periods[0].rows[0].cells['group:clinical-incident']).toEqual({ value: 12, suppressed: false });
  });

  it('shows no label for a hidden place: a row appears only where its count is published and not zero', () => {
    // north 26, south 11 (hidden to protect east), east 3 (hidden), all in 2025, released by year.
    const facts = [...caseFacts(26, { facility: 'north' }), ...caseFacts(11, { facility: 'south' }), ...caseFacts(3, { facility: 'east' })];
    const ledger = ledgerOf(facts, 11, 'year');
    expect(ledger.releases.get('2025')!.rows[placeKey({ level: 'facility', facility: 'east' })].cells.cases.suppressed).toBe(true);
    const report = buildReport(ledger, { from: parseMonth('2025-01'), to: parseMonth('2026-01'), granularity: 'year', place: 'facility', grouping: 'kind' }, 11);
    // Facility totals are hidden, so the view coarsens to all places; asking for one facility shows only labelled rows.
    expect(report.periods[0].rows.map((row) => row.place)).toEqual(['all']);
    const north = buildReport(ledger, { from: parseMonth('2025-01'), to: parseMonth('2026-01'), granularity: 'year', place: 'facility', facility: 'north', grouping: 'kind' }, 11);
    expect(north.periods[0].rows.map((row) => row.place)).toEqual(['facility:north']);
    const east = buildReport(ledger, { from: parseMonth('2025-01'), to: parseMonth('2026-01'), granularity: 'year', place: 'facility', facility: 'east', grouping: 'kind' }, 11);
    expect(east.periods[0].rows).toEqual([]);
  });

  it('sums finer released periods into a coarser one only once every part is released, and says what is not released yet', () => {
    const facts = Array.from({ length: 6 }, (_, m) => caseFacts(12, { openedHour: new Date(Date.UTC(2025, m, 2)) })).flat();
    const ledger = new ReleaseLedger({ minCellSize: 11, vocabulary, delayDays: 14, granularity: 'month' });
    ledger.advance(2025, { year: facts, previous: [] }, new Date(Date.UTC(2025, 4, 20))); // January to April are due
    const report = buildReport(ledger, { from: parseMonth('2025-01'), to: parseMonth('2025-07'), granularity: 'quarter', place: 'all', grouping: 'kind' }, 11);
    expect(report.periods.map((p) => [p.period, p.derived])).toEqual([['2025-Q1', true]]);
    expect(report.periods[0].rows[0].cells.cases).toEqual({ value: 36, suppressed: false });
    expect(report.unreleasedFrom).toBe('2025-05-01T00:00:00.000Z');
  });
});
