import fc from 'fast-check';
import { Published } from '../disclosure/statistics';
import { CaseFact } from './case-fact';
import { caseFactArbitrary, caseFacts } from './case-fact.fixtures';
import { AtAGlance, programAtAGlance } from './at-a-glance';
import { PlaceVocabulary } from './places';
import { ReleaseLedger } from './release-ledger';
import { buildReport } from './report';

const vocabulary = new PlaceVocabulary(['north', 'south'], ['icu', 'ed']);
const K = 11;

function ledgerOf(facts: CaseFact[], k: number, granularity: 'auto' | 'month' | 'quarter' | 'year', now = new Date(Date.UTC(2026, 1, 1))): ReleaseLedger {
  const ledger = new ReleaseLedger({ minCellSize: k, vocabulary, delayDays: 14, granularity });
  const of = (year: number) => facts.filter((f) => f.openedHour.getUTCFullYear() === year);
  ledger.advance(2024, { year: of(2024), previous: [] }, now);
  ledger.advance(2025, { year: of(2025), previous: of(2024) }, now);
  return ledger;
}

const figures = (glance: AtAGlance): { key: string; value: Published }[] => [
  ...glance.totals, ...glance.rates, ...glance.byKind, ...glance.byGroup, ...glance.timeToContact, ...glance.referrals,
  ...glance.periods.flatMap((period) => [{ key: `${period.period}:cases`, value: period.cases }, { key: `${period.period}:reached`, value: period.reached }]),
  ...(glance.supporterLoad ? [{ key: 'load', value: glance.supporterLoad.supporters }, ...glance.supporterLoad.bins.map((bin) => ({ key: bin.label, value: bin.supporters }))] : []),
];

describe('program at a glance', () => {
  // 2025, released as one year: 40 reached incidents, 12 self-referrals, 3 lawsuits (a small cell).
  const facts = [
    ...caseFacts(40, { openedHour: new Date(Date.UTC(2025, 1, 3, 8)) }),
    ...caseFacts(12, { triggerKind: 'referral', category: 'self-referral', openedHour: new Date(Date.UTC(2025, 4, 3, 8)), minutesToFirstContact: 45 }),
    ...caseFacts(3, { triggerKind: 'lawsuit', category: 'lawsuit', openedHour: new Date(Date.UTC(2025, 8, 3, 8)) }),
  ];

  it('reads the year from the releases: published counts as released, the small cell and its complement hidden', () => {
    const ledger = ledgerOf(facts, K, 'year');
    const glance = programAtAGlance(ledger, 2025, K);
    const release = ledger.releases.get('2025')!;
    const all = release.rows[release.places[0]];
    expect(glance.covered).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    expect(glance.unreleasedFrom).toBeNull();
    expect(glance.totals.find((figure) => figure.key === 'cases')!.value).toEqual({ value: 55, suppressed: false });
    expect(glance.byKind.map((figure) => [figure.key, figure.value])).toEqual([
      ['kind:incident', all.cells['kind:incident']],
      ['kind:lawsuit', { value: null, suppressed: true }],
      ['kind:referral', all.cells['kind:referral']],
    ]);
    // Complementary suppression: with the lawsuits hidden, one more kind is hidden so 55 − the rest does not give 3.
    expect(glance.byKind.filter((figure) => figure.value.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(glance.rates.find((figure) => figure.key === 'medianMinutesToFirstContact')!.value).toEqual(all.statistics.medianMinutesToFirstContact);
    expect(glance.supporterLoad).toEqual(release.supporterLoad);
    expect(glance.periods).toEqual([{ period: '2025', cases: { value: 55, suppressed: false }, reached: all.cells['reached:yes'] }]);
    expect(glance.notes.join(' ')).toMatch(/Periods shown as released \(2025: year\) rather than by quarter/);
  });

  it('a year released by month: sums of published months, and no rate or median (they cannot be added up)', () => {
    const monthly = [...caseFacts(11, { openedHour: new Date(Date.UTC(2025, 0, 2, 8)) }), ...caseFacts(11, { openedHour: new Date(Date.UTC(2025, 5, 2, 8)) })];
    const glance = programAtAGlance(ledgerOf(monthly, K, 'month'), 2025, K);
    expect(glance.totals.find((figure) => figure.key === 'cases')!.value).toEqual({ value: 22, suppressed: false });
    expect(glance.rates.every((figure) => figure.value.suppressed)).toBe(true);
    expect(glance.supporterLoad).toBeNull();
    expect(glance.periods.map((period) => [period.period, period.cases.value])).toEqual([['2025-Q1', 11], ['2025-Q2', 11], ['2025-Q3', 0], ['2025-Q4', 0]]);
  });

  it('a year not released yet holds no figures, and says from when', () => {
    const glance = programAtAGlance(ledgerOf(facts, K, 'year'), 2026, K);
    expect(glance.covered).toBeNull();
    expect(glance.unreleasedFrom).toBe('2026-01-01T00:00:00.000Z');
    expect(figures(glance)).toEqual([]);
  });

  it('property: every figure is 0, at least k, or withheld, and equals the year report of the same releases', () => {
    const fact = caseFactArbitrary({ facilities: ['north', 'south'], departments: ['icu', 'ed'], from: new Date(Date.UTC(2025, 0, 1)), hours: 365 * 24 });
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 150 }), fc.integer({ min: 3, max: 11 }), fc.constantFrom('auto', 'month', 'quarter', 'year'), (yearFacts, k, granularity) => {
        const ledger = ledgerOf(yearFacts, k, granularity as 'auto');
        const glance = programAtAGlance(ledger, 2025, k);
        for (const { value } of figures(glance)) if (!value.suppressed) expect(value.value === 0 || value.value >= k).toBe(true);
        const outreach = buildReport(ledger, { from: new Date(Date.UTC(2025, 0, 1)), to: new Date(Date.UTC(2026, 0, 1)), granularity: 'year', place: 'all', grouping: 'outreach' }, k);
        if (outreach.periods.length === 1) {
          expect(glance.totals.find((figure) => figure.key === 'reached:yes')!.value).toEqual(outreach.periods[0].rows[0]?.cells['reached:yes'] ?? { value: 0, suppressed: false });
        }
      }),
      { numRuns: 60 },
    );
  });
});
