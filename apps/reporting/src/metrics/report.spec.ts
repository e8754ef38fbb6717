import fc from 'fast-check';
import { ESCALATION_REASONS, HARM_LEVELS, PROFESSION_GROUPS, REFERRAL_TYPES, TRIGGER_CATEGORIES, TRIGGER_KINDS } from '@harbor/contracts';
import { CaseFact } from './case-fact';
import { GROUPINGS, PLACE_LEVELS } from './dimensions';
import { GRANULARITIES, parseMonth } from './periods';
import { buildReport, ReleaseBook } from './report';

const fact = fc.record({
  triggerKind: fc.constantFrom(...TRIGGER_KINDS),
  category: fc.constantFrom(...TRIGGER_CATEGORIES),
  harmLevel: fc.option(fc.constantFrom(...HARM_LEVELS), { nil: null }),
  facility: fc.constantFrom('north', 'south', 'east'),
  department: fc.option(fc.constantFrom('icu', 'ed', 'surgery'), { nil: null }),
  professionGroup: fc.option(fc.constantFrom(...PROFESSION_GROUPS), { nil: null }),
  openedHour: fc.integer({ min: 0, max: 2 * 365 * 24 - 1 }).map((h) => new Date(Date.UTC(2024, 0, 1) + h * 3_600_000)),
  offers: fc.integer({ min: 0, max: 3 }),
  supporterAccepted: fc.boolean(),
  reached: fc.boolean(),
  clinicianDeclined: fc.boolean(),
  referrals: fc.subarray([...REFERRAL_TYPES]),
  followUpsCompleted: fc.integer({ min: 0, max: 3 }),
  escalated: fc.boolean(),
  escalationReason: fc.option(fc.constantFrom(...ESCALATION_REASONS), { nil: null }),
  fallbackOffered: fc.boolean(),
  supporterKey: fc.option(fc.constantFrom('s1', 's2', 's3', 's4', 's5'), { nil: null }),
  minutesEventToFirstPage: fc.option(fc.nat(600), { nil: null }),
  minutesOfferToAccept: fc.option(fc.nat(120), { nil: null }),
  minutesToFirstContact: fc.option(fc.nat(600), { nil: null }),
}) as fc.Arbitrary<CaseFact>;

const month = fc.integer({ min: 0, max: 23 }).map((m) => `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
const query = fc.record({
  from: month,
  months: fc.integer({ min: 1, max: 24 }),
  granularity: fc.constantFrom(...GRANULARITIES),
  place: fc.constantFrom(...PLACE_LEVELS),
  facility: fc.option(fc.constantFrom('north', 'south'), { nil: undefined }),
  grouping: fc.constantFrom(...GROUPINGS),
});

describe('buildReport (fast-check)', () => {
  it('property: any combination of queries publishes no count in 1..k-1, and only values of the canonical releases', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 120 }), fc.array(query, { minLength: 1, maxLength: 4 }), fc.integer({ min: 3, max: 11 }), (facts, queries, k) => {
        const book = new ReleaseBook(facts, k);
        for (const q of queries) {
          const from = parseMonth(q.from);
          const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + q.months, 1));
          const report = buildReport(book, { from, to, granularity: q.granularity, place: q.place, facility: q.facility, grouping: q.grouping });
          for (const period of report.periods) {
            for (const row of period.rows) {
              for (const [column, cell] of Object.entries(row.cells)) {
                if (!cell.suppressed) expect(cell.value === 0 || cell.value >= k).toBe(true);
                if (period.derived) continue;
                // A released period: the value is exactly the canonical entry (or a true zero for an absent place).
                const release = book.release({ granularity: period.granularity, label: period.period, start: new Date(period.start), end: new Date(period.end) });
                expect(cell).toEqual(release.cells[row.place]?.[column] ?? { value: 0, suppressed: false });
              }
            }
            for (const bin of period.supporterLoad?.bins ?? []) if (!bin.supporters.suppressed) expect(bin.supporters.value === 0 || bin.supporters.value >= k).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('coarsens months to quarters to years when periods are small, and says so', () => {
    const facts = Array.from({ length: 12 }, (_, i) => ({
      triggerKind: 'incident', category: 'medication-error', harmLevel: 'severe', facility: 'north', department: null, professionGroup: 'physician',
      openedHour: new Date(Date.UTC(2025, i, 3)), offers: 1, supporterAccepted: true, reached: true, clinicianDeclined: false, referrals: [],
      followUpsCompleted: 0, escalated: false, escalationReason: null, fallbackOffered: false, supporterKey: 'x', minutesEventToFirstPage: 5,
      minutesOfferToAccept: 3, minutesToFirstContact: 20,
    })) as CaseFact[];
    const report = buildReport(new ReleaseBook(facts, 11), {
      from: parseMonth('2025-01'), to: parseMonth('2026-01'), granularity: 'month', place: 'department', grouping: 'outreach',
    });
    expect(report.periods.map((p) => p.period)).toEqual(['2025']);
    expect(report.coarsening).toEqual(expect.arrayContaining([
      expect.objectContaining({ dimension: 'period', requested: 'month', applied: '2025: year' }),
    ]));
    const row = report.periods[0].rows[0];
    expect(row.cells.cases).toEqual({ value: 12, suppressed: false });
    expect(row.statistics?.percentContactedWithinTarget).toEqual({ value: 100, suppressed: false });
    expect(row.statistics?.medianMinutesToFirstContact).toEqual({ value: 20, suppressed: false });
  });

  it('coarsens categories to their groups when most category cells are hidden, and says so', () => {
    const categories = ['medication-error', 'unexpected-death', 'fall-with-harm', 'wrong-site-procedure'];
    const facts = Array.from({ length: 12 }, (_, i) => ({
      triggerKind: 'incident', category: categories[i % 4], harmLevel: null, facility: 'north', department: null, professionGroup: null,
      openedHour: new Date(Date.UTC(2025, 5, 1 + i)), offers: 0, supporterAccepted: false, reached: false, clinicianDeclined: false, referrals: [],
      followUpsCompleted: 0, escalated: false, escalationReason: null, fallbackOffered: false, supporterKey: null, minutesEventToFirstPage: null,
      minutesOfferToAccept: null, minutesToFirstContact: null,
    })) as CaseFact[];
    const report = buildReport(new ReleaseBook(facts, 11), {
      from: parseMonth('2025-01'), to: parseMonth('2026-01'), granularity: 'year', place: 'all', grouping: 'category',
    });
    expect(report.columns).toEqual(['cases', 'group:clinical-incident', 'group:staff-harm', 'group:legal', 'group:referral']);
    expect(report.coarsening).toEqual([expect.objectContaining({ dimension: 'category', requested: 'category', applied: 'group' })]);
    expect(report.periods[0].rows[0].cells['group:clinical-incident']).toEqual({ value: 12, suppressed: false });
  });
});
