import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SupportMetrics } from '@harbor/contracts';
import { validateEventPayload } from '@harbor/messaging';
import { Relation } from '../disclosure/linked-table';
import { attack, linkReleases, Publication } from '@harbor/testing/disclosure-attacker';
import { toMessage } from '../publication/publish-metrics.usecase';
import { CaseFact } from './case-fact';
import { caseFactArbitrary, caseFacts, HOSTILE_DEPARTMENTS, HOSTILE_FACILITIES, thresholdFactsArbitrary } from './case-fact.fixtures';
import { columnsOf } from './dimensions';
import { Period, periodOf } from './periods';
import { Place, placeKey, placeLabel, placesOf, PlaceVocabulary } from './places';
import { buildRelease, factProblem, Release } from './release';
import { ReleaseLedger, ScheduleSettings } from './release-ledger';

/**
 * The independent attacker against whole releases: counts, the statistics published next to them, and
 * every release of a period a reader could have collected over time. It knows more than any reader (every
 * place, hidden ones included, and the true structure), so what it cannot recover, no reader can.
 */

/** Columns the attacker works on, with their splits (a sound sub-system of the release's relations). */
const SPLITS: [string, string[]][] = [
  ['cases', ['kind:incident', 'kind:lawsuit', 'kind:referral']],
  ['cases', ['outreach:not-offered', 'outreach:offered']],
  ['outreach:offered', ['supporter:not-accepted', 'supporter:accepted']],
  ['supporter:accepted', ['reached:no', 'reached:yes']],
];
const COLUMNS = [...new Set(SPLITS.flatMap(([total, parts]) => [total, ...parts]))];

/**
 * What a published statistic tells a reader (docs/reporting.md): a median or p90 rests on the cases of one
 * column; a percentage is numerator / denominator of two columns.
 */
const STATISTIC_BASE: Record<string, string> = {
  medianMinutesEventToFirstPage: 'outreach:offered',
  p90MinutesEventToFirstPage: 'outreach:offered',
  medianMinutesOfferToAccept: 'supporter:accepted',
  p90MinutesOfferToAccept: 'supporter:accepted',
  medianMinutesToFirstContact: 'reached:yes',
  p90MinutesToFirstContact: 'reached:yes',
};
const PERCENTAGES: Record<string, [string, string]> = {
  percentSupporterAccepted: ['supporter:accepted', 'outreach:offered'],
  percentContactedWithinTarget: ['contact-time:0-30', 'reached:yes'],
  percentClinicianAcceptedSupport: ['clinician:accepted-support', 'reached:yes'],
  percentFollowUpCompleted: ['follow-up-completed:yes', 'clinician:accepted-support'],
};

/** The attacker's table: every place it knows × COLUMNS, with the place and column relations. */
class AttackerTable {
  readonly keys: string[];
  readonly relations: Relation[] = [];
  private readonly rowAt: Map<string, number>;

  constructor(readonly places: Map<string, Place>) {
    this.keys = [...places.keys()];
    this.rowAt = new Map(this.keys.map((key, i) => [key, i]));
    const all = placeKey({ level: 'all' });
    for (const column of COLUMNS) {
      const facilities = this.keys.filter((key) => places.get(key)!.level === 'facility');
      this.relations.push({ total: this.entry(all, column), parts: facilities.map((key) => this.entry(key, column)) });
      for (const facility of facilities) {
        const name = (places.get(facility) as { facility: string }).facility;
        const departments = this.keys.filter((key) => {
          const place = places.get(key)!;
          return place.level === 'department' && place.facility === name;
        });
        this.relations.push({ total: this.entry(facility, column), parts: departments.map((key) => this.entry(key, column)) });
      }
    }
    for (const key of this.keys) {
      for (const [total, parts] of SPLITS) this.relations.push({ total: this.entry(key, total), parts: parts.map((part) => this.entry(key, part)) });
    }
  }

  static of(releases: Release[]): AttackerTable {
    const places = new Map<string, Place>([[placeKey({ level: 'all' }), { level: 'all' }]]);
    for (const release of releases) for (const key of release.places) places.set(key, release.rows[key].place);
    return new AttackerTable(places);
  }

  get size(): number {
    return this.keys.length * COLUMNS.length;
  }

  entry(key: string, column: string): number {
    return this.rowAt.get(key)! * COLUMNS.length + COLUMNS.indexOf(column);
  }

  /** The true counts, from the facts (counted independently of the suppression code). */
  truth(facts: CaseFact[], period: Period, vocabulary: PlaceVocabulary): number[] {
    const values = new Array<number>(this.size).fill(0);
    for (const fact of facts) {
      if (!(fact.openedHour >= period.start && fact.openedHour < period.end) || factProblem(fact)) continue;
      const columns = columnsOf(fact).filter((column) => COLUMNS.includes(column));
      for (const place of placesOf(fact.facility, fact.department, vocabulary)) for (const column of columns) values[this.entry(placeKey(place), column)]++;
    }
    return values;
  }

  /**
   * What a reader of the release knows: published cells (a place absent from the release has 0), hidden
   * cells at least 1, the cells under a published statistic at least k, and a percentage's numerator
   * within rounding of percentage × denominator.
   */
  publication(release: Release, truth: number[]): Publication {
    const k = release.minCellSize;
    const published = new Array<number | null>(this.size).fill(0);
    const floors = new Array<number | undefined>(this.size).fill(undefined);
    const ceilings = new Array<number | undefined>(this.size).fill(undefined);
    const raise = (at: number, floor: number) => (floors[at] = Math.max(floors[at] ?? 1, floor));
    for (const key of this.keys) {
      const row = release.rows[key];
      if (!row) continue;
      for (const column of COLUMNS) {
        const cell = row.cells[column];
        published[this.entry(key, column)] = cell.suppressed ? null : cell.value;
      }
      for (const [statistic, value] of Object.entries(row.statistics)) {
        if (value.suppressed) continue;
        raise(this.entry(key, 'cases'), k); // any statistic rests on at least k of the row's cases
        if (STATISTIC_BASE[statistic]) raise(this.entry(key, STATISTIC_BASE[statistic]), k);
        const [numerator, denominator] = PERCENTAGES[statistic] ?? [];
        if (!denominator || !COLUMNS.includes(denominator)) continue;
        raise(this.entry(key, denominator), k);
        const base = row.cells[denominator];
        if (!base.suppressed && COLUMNS.includes(numerator)) {
          raise(this.entry(key, numerator), Math.ceil(((value.value - 0.05) * base.value) / 100));
          ceilings[this.entry(key, numerator)] = Math.floor(((value.value + 0.05) * base.value) / 100);
        }
      }
    }
    return { published, truth, floors, ceilings };
  }
}

function attackRelease(release: Release, facts: CaseFact[], vocabulary: PlaceVocabulary) {
  const table = AttackerTable.of([release]);
  const truth = table.truth(facts, release.period, vocabulary);
  const publication = table.publication(release, truth);
  return { table, ...attack(publication.published, table.relations, truth, publication) };
}

function attackPair(first: { release: Release; facts: CaseFact[] }, second: { release: Release; facts: CaseFact[] }, vocabulary: PlaceVocabulary) {
  const table = AttackerTable.of([first.release, second.release]);
  const period = first.release.period;
  const a = table.publication(first.release, table.truth(first.facts, period, vocabulary));
  const b = table.publication(second.release, table.truth(second.facts, period, vocabulary));
  const linked = linkReleases(a, b, table.relations);
  return { table, ...attack(linked.published, linked.relations, linked.truth, linked) };
}

const vocabulary = new PlaceVocabulary(['north', 'south', 'sec-col'], ['icu', 'ed', 'b']);
const YEAR_2025 = periodOf(new Date(Date.UTC(2025, 0, 1)), 'year');
const settings = (minCellSize: number, delayDays = 14): ScheduleSettings => ({ minCellSize, vocabulary, delayDays, granularity: 'auto' });
const facilityCases = (release: Release, facility: string) => release.rows[placeKey({ level: 'facility', facility })]?.cells.cases;

/** A statistic published on `facility` as the code before this fix did (it rested on >= k values). */
function withStatisticOn(release: Release, facility: string): Release {
  const key = placeKey({ level: 'facility', facility });
  const row = release.rows[key];
  return { ...release, rows: { ...release.rows, [key]: { ...row, statistics: { ...row.statistics, medianMinutesOfferToAccept: { value: 4, suppressed: false } } } } };
}

describe('statistics never give a hidden count away', () => {
  // Facilities north / south / sec-col with 28 / 11 / 1 cases, k = 11, one release.
  const facts = [...caseFacts(28, { facility: 'north' }), ...caseFacts(11, { facility: 'south' }), ...caseFacts(1, { facility: 'sec-col' })];
  const { release } = buildRelease(YEAR_2025, facts, { minCellSize: 11, vocabulary });

  it('the attacker pins the smallest facility at 1 from a median published on a hidden row of 11', () => {
    expect(facilityCases(release, 'south')).toEqual({ value: null, suppressed: true });
    const { table, recovered } = attackRelease(withStatisticOn(release, 'south'), facts, vocabulary);
    expect(recovered).toContain(table.entry(placeKey({ level: 'facility', facility: 'sec-col' }), 'cases'));
  });

  it('publishes no statistic on a row whose count is hidden, so the attacker recovers nothing', () => {
    const south = release.rows[placeKey({ level: 'facility', facility: 'south' })];
    for (const statistic of Object.values(south.statistics)) expect(statistic.suppressed).toBe(true);
    const all = release.rows[placeKey({ level: 'all' })];
    expect(all.statistics.medianMinutesOfferToAccept).toEqual({ value: 4, suppressed: false }); // 40 published cases
    expect(attackRelease(release, facts, vocabulary)).toMatchObject({ recovered: [], inconclusive: [] });
  });
});

describe('successive releases of a period never give a hidden count away', () => {
  // 26 / 11 / 3, then 8 more cases at sec-col: 26 / 11 / 11, every count visible.
  const before = [...caseFacts(26, { facility: 'north' }), ...caseFacts(11, { facility: 'south' }), ...caseFacts(3, { facility: 'sec-col' })];
  const after = [...before, ...caseFacts(8, { facility: 'sec-col', openedHour: new Date(Date.UTC(2025, 5, 1)) })];

  it('the attacker pins the earlier 3 from a recomputed release next to the earlier median', () => {
    const first = buildRelease(YEAR_2025, before, { minCellSize: 11, vocabulary }).release;
    const second = buildRelease(YEAR_2025, after, { minCellSize: 11, vocabulary }).release;
    expect(facilityCases(second, 'sec-col')).toEqual({ value: 11, suppressed: false });
    const { table, recovered } = attackPair({ release: withStatisticOn(first, 'south'), facts: before }, { release: second, facts: after }, vocabulary);
    expect(recovered).toContain(table.entry(placeKey({ level: 'facility', facility: 'sec-col' }), 'cases'));
  });

  it('keeps the release of a period fixed once it is due: later cases change nothing a reader can see', () => {
    const ledger = new ReleaseLedger(settings(11), [[2025, 'year']]);
    ledger.advance(2025, { year: before, previous: [] }, new Date(Date.UTC(2026, 0, 20)));
    const fixed = JSON.stringify(ledger.releases.get('2025'));
    ledger.advance(2025, { year: after, previous: [] }, new Date(Date.UTC(2026, 5, 1)));
    expect(JSON.stringify(ledger.releases.get('2025'))).toBe(fixed);
    expect(facilityCases(ledger.releases.get('2025')!, 'sec-col')).toEqual({ value: null, suppressed: true });
  });
});

const PLACES = { facilities: ['north', 'south', 'sec-col', ...HOSTILE_FACILITIES], departments: ['icu', 'ed', 'b', ...HOSTILE_DEPARTMENTS] };
/** Few places, so groups sized at the thresholds meet in the same rows (where pinning happens). */
const FEW_PLACES = { facilities: ['north', 'south', 'sec-col', '=HYPERLINK("http://x")'], departments: ['icu', 'a/b'] };
const hostileFact = (from: Date, hours: number) => caseFactArbitrary({ ...PLACES, from, hours });
/** Facts of a year, either uniformly random or in groups sized at the thresholds, with their k. */
const yearFacts = (from: Date) =>
  fc.integer({ min: 3, max: 11 }).chain((k) =>
    fc.oneof(fc.array(hostileFact(from, 24 * 365), { maxLength: 70 }), thresholdFactsArbitrary(k, { ...FEW_PLACES, from, days: 360 })).map((facts) => ({ k, facts })),
  );
const LABEL = /^(all|facility:(north|south|sec-col|other)|department:(north|south|sec-col|other)\/(icu|ed|b|other|unspecified))$/;

describe('releases against the attacker (fast-check, fixed seeds)', () => {
  it('property: one release, its statistics included: nothing recovered, labels only from the vocabulary and only for published non-zero rows', () => {
    fc.assert(
      fc.property(yearFacts(YEAR_2025.start), ({ k, facts }) => {
        const { release } = buildRelease(YEAR_2025, facts, { minCellSize: k, vocabulary });
        expect(attackRelease(release, facts, vocabulary)).toMatchObject({ recovered: [], inconclusive: [] });
        const message = validateEventPayload(SupportMetrics, toMessage(release, randomUUID(), new Date()));
        const cases = new Map(message.cells.filter((cell) => cell.measure === 'cases').map((cell) => [cell.place, cell]));
        for (const place of new Set([...message.cells, ...message.statistics].map((entry) => entry.place))) {
          expect(place).toMatch(LABEL);
          if (place !== 'all') expect(cases.get(place)).toEqual({ place, measure: 'cases', value: expect.any(Number), suppressed: false });
          if (place !== 'all') expect(cases.get(place)!.value).toBeGreaterThan(0);
        }
        for (const statistic of message.statistics) if (!statistic.suppressed) expect(cases.get(statistic.place)!.suppressed).toBe(false);
      }),
      { numRuns: Number(process.env.REPORTING_PROPERTY_RUNS ?? 100), seed: 0x0d15c1 },
    );
  });

  it('property: every release of a period a reader collects over time, attacked together, gives nothing away', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 11 }).chain((k) =>
          fc.record({
            k: fc.constant(k),
            previous: thresholdFactsArbitrary(k, { ...FEW_PLACES, from: new Date(Date.UTC(2024, 0, 1)), days: 360 }),
            batches: fc.array(thresholdFactsArbitrary(k, { ...FEW_PLACES, from: YEAR_2025.start, days: 360 }), { minLength: 2, maxLength: 4 }),
          }),
        ),
        fc.array(fc.integer({ min: 0, max: 540 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 30 }),
        ({ k, previous, batches }, offsets, delayDays) => {
          const ledger = new ReleaseLedger(settings(k, delayDays));
          const seen = new Map<string, { release: Release; facts: CaseFact[] }[]>();
          let facts: CaseFact[] = [];
          const times = [...offsets].sort((a, b) => a - b).map((offset) => new Date(Date.UTC(2025, 0, 15) + offset * day));
          batches.forEach((batch, i) => {
            facts = [...facts, ...batch]; // cases are only ever added: the reader's model
            const now = times[Math.min(i, times.length - 1)];
            ledger.advance(2024, { year: previous, previous: [] }, now);
            ledger.advance(2025, { year: facts, previous }, now);
            for (const [label, release] of ledger.releases) {
              const versions = seen.get(label) ?? [];
              if (!versions.some((version) => JSON.stringify(version.release) === JSON.stringify(release))) versions.push({ release, facts });
              seen.set(label, versions);
            }
          });
          for (const [year, granularity] of ledger.plans) {
            for (const release of ledger.releases.values()) if (release.period.start.getUTCFullYear() === year) expect(release.period.granularity).toBe(granularity);
          }
          for (const versions of seen.values()) {
            for (let i = 1; i < versions.length; i++) expect(attackPair(versions[i - 1], versions[i], vocabulary)).toMatchObject({ recovered: [], inconclusive: [] });
          }
        },
      ),
      { numRuns: Number(process.env.REPORTING_PROPERTY_RUNS ?? 40), seed: 0x5ecc355 },
    );
  });

  it('places are published only as vocabulary labels: never the text a source system sent', () => {
    const facts = HOSTILE_FACILITIES.flatMap((facility) => HOSTILE_DEPARTMENTS.flatMap((department) => caseFacts(12, { facility, department })));
    const { release } = buildRelease(YEAR_2025, facts, { minCellSize: 11, vocabulary });
    const labels = release.places.map((key) => placeLabel(release.rows[key].place));
    for (const label of labels) expect(label).toMatch(LABEL);
    expect(labels).toContain('department:sec-col/b');
    expect(labels).toContain('department:other/other');
    expect(JSON.stringify(toMessage(release, randomUUID(), new Date()))).not.toMatch(/canary|HYPERLINK|SUM\(|sec-col\/a/);
  });
});
