import { buildCrossTable } from '../disclosure/cross-table';
import { protectTable } from '../disclosure/linked-table';
import { median, percentile, Published, publishPercentage, publishStatistic, SUPPRESSED } from '../disclosure/statistics';
import { CaseFact } from './case-fact';
import { COLUMN_IDS, COLUMN_ROOT, columnsOf } from './dimensions';
import { DebriefFact, debriefFactProblem, GroupDebriefCounts, groupDebriefCounts } from './group-debriefs';
import { Period } from './periods';
import { Place, placeHierarchy, placeKey, placesOf, PlaceVocabulary } from './places';

export interface RowStatistics {
  medianMinutesEventToFirstPage: Published;
  p90MinutesEventToFirstPage: Published;
  medianMinutesOfferToAccept: Published;
  p90MinutesOfferToAccept: Published;
  medianMinutesToFirstContact: Published;
  p90MinutesToFirstContact: Published;
  percentContactedWithinTarget: Published;
  percentSupporterAccepted: Published;
  percentClinicianAcceptedSupport: Published;
  percentFollowUpCompleted: Published;
}

export interface SupporterLoad {
  /** Supporters who took at least one case in the period, by how many cases they took. */
  supporters: Published;
  bins: { label: string; supporters: Published }[];
  medianCasesPerSupporter: Published;
}

export interface ReleaseRow {
  place: Place;
  cells: Record<string, Published>;
  statistics: RowStatistics;
}

/**
 * The canonical release of one period: every count of the place × column hierarchy, protected together,
 * plus statistics published only where the counts they rest on are. Every API answer, CSV row, dashboard
 * figure and topic message is read from a release and never computed afresh, so combining answers tells
 * a reader nothing the release does not show. Once stored, a release never changes (see ReleaseStore).
 */
export interface Release {
  period: Period;
  minCellSize: number;
  columns: string[];
  /**
   * Row keys (`placeKey`) in hierarchy order: every place with at least one case, hidden rows included.
   * Outputs show only `isLabelled` rows: a place's label alone says "at least one case here".
   */
  places: string[];
  rows: Record<string, ReleaseRow>;
  supporterLoad: SupporterLoad;
  /** Group debriefs offered in the period, their own protected table; absent from releases fixed before they were counted. */
  groupDebriefs?: GroupDebriefCounts;
}

export interface ReleaseSettings {
  minCellSize: number;
  vocabulary: PlaceVocabulary;
}

export interface ReleaseBuild {
  release: Release;
  /** Facts left out because they cannot be placed in the release, by reason (never the facts' values). */
  excluded: string[];
}

export const LOAD_BINS = [
  { label: '1', min: 1, max: 1 },
  { label: '2-3', min: 2, max: 3 },
  { label: '4-6', min: 4, max: 6 },
  { label: '7+', min: 7, max: Infinity },
];

const KNOWN_COLUMNS = new Set(COLUMN_IDS);
const DURATIONS = ['minutesEventToFirstPage', 'minutesOfferToAccept', 'minutesToFirstContact'] as const;

/**
 * Why a fact cannot be counted (a value outside the vocabularies, a broken time), or null. One such fact
 * is left out of its release instead of failing the release, so it can never take a report down.
 */
export function factProblem(fact: CaseFact): string | null {
  if (!(fact.openedHour instanceof Date) || Number.isNaN(fact.openedHour.getTime())) return 'invalid opening time';
  for (const duration of DURATIONS) {
    const minutes = fact[duration];
    if (minutes !== null && !(Number.isFinite(minutes) && minutes >= 0)) return 'invalid duration';
  }
  if (!Number.isInteger(fact.offers) || !Number.isInteger(fact.followUpsCompleted) || !Array.isArray(fact.referrals)) return 'invalid outcome';
  if (!columnsOf(fact).every((column) => KNOWN_COLUMNS.has(column))) return 'value outside the reporting vocabulary';
  return null;
}

/** True for a row outputs may show: "all", or a place whose count is published and not zero. */
export function isLabelled(row: ReleaseRow | undefined): boolean {
  if (!row) return false;
  return row.place.level === 'all' || (!row.cells.cases.suppressed && row.cells.cases.value > 0);
}

interface Counted {
  fact: CaseFact;
  places: Place[];
  /** `placeKey` of each of `places`. */
  keys: string[];
  columns: Set<string>;
}

export function buildRelease(period: Period, facts: CaseFact[], settings: ReleaseSettings, debriefFacts: DebriefFact[] = []): ReleaseBuild {
  const k = settings.minCellSize;
  const excluded: string[] = [];
  const debriefs: DebriefFact[] = [];
  for (const fact of debriefFacts) {
    if (!(fact.openedHour >= period.start && fact.openedHour < period.end)) continue;
    const problem = debriefFactProblem(fact);
    if (problem) excluded.push(problem);
    else debriefs.push(fact);
  }
  const counted: Counted[] = [];
  for (const fact of facts) {
    if (!(fact.openedHour >= period.start && fact.openedHour < period.end)) continue;
    const problem = factProblem(fact);
    if (problem) {
      excluded.push(problem);
      continue;
    }
    const places = placesOf(fact.facility, fact.department, settings.vocabulary);
    counted.push({ fact, places, keys: places.map(placeKey), columns: new Set(columnsOf(fact)) });
  }
  const rowRoot = placeHierarchy(counted.map((c) => c.places));
  const table = buildCrossTable(
    rowRoot,
    COLUMN_ROOT,
    counted.map((c) => ({ rows: c.keys, columns: [...c.columns] })),
  );
  const { suppressed } = protectTable(table, k);
  const placeOf = new Map<string, Place>([[placeKey({ level: 'all' }), { level: 'all' }]]);
  const inRow = new Map<string, Counted[]>();
  for (const c of counted) {
    c.keys.forEach((key, i) => {
      placeOf.set(key, c.places[i]);
      if (!inRow.has(key)) inRow.set(key, []);
      inRow.get(key)!.push(c);
    });
  }
  const rows: Release['rows'] = {};
  for (const key of table.rowIds) {
    const cells: Record<string, Published> = {};
    for (const column of table.columnIds) {
      const at = table.index(key, column);
      cells[column] = suppressed[at] ? SUPPRESSED : { value: table.values[at], suppressed: false };
    }
    rows[key] = { place: placeOf.get(key)!, cells, statistics: rowStatistics(inRow.get(key) ?? [], cells, k) };
  }
  return {
    release: {
      period, minCellSize: k, columns: table.columnIds, places: table.rowIds, rows, supporterLoad: supporterLoad(counted, k), groupDebriefs: groupDebriefCounts(debriefs, k),
    },
    excluded,
  };
}

/**
 * A row's statistics. None is published where the row's own count is hidden. A median or p90 rests on a
 * column of the row (page times on "offered", acceptance times on "supporter accepted", contact times on
 * "reached") and is published only when that cell is published, at least k, and every case in it has the
 * time; a percentage is a ratio of two published cells.
 */
function rowStatistics(counted: Counted[], cells: Record<string, Published>, k: number): RowStatistics {
  const p90 = (list: number[]) => percentile(list, 90);
  const over = (column: string, pick: (fact: CaseFact) => number | null) => {
    const values = counted.filter((c) => c.columns.has(column)).map((c) => pick(c.fact)).filter((value): value is number => value !== null);
    const stat = (compute: (list: number[]) => number | null) => publishStatistic(compute(values), values.length, cells[column], k);
    return [stat(median), stat(p90)];
  };
  const hidden = cells.cases.suppressed;
  const [medianPage, p90Page] = over('outreach:offered', (fact) => fact.minutesEventToFirstPage);
  const [medianAccept, p90Accept] = over('supporter:accepted', (fact) => fact.minutesOfferToAccept);
  const [medianContact, p90Contact] = over('reached:yes', (fact) => fact.minutesToFirstContact);
  const statistics: RowStatistics = {
    medianMinutesEventToFirstPage: medianPage,
    p90MinutesEventToFirstPage: p90Page,
    medianMinutesOfferToAccept: medianAccept,
    p90MinutesOfferToAccept: p90Accept,
    medianMinutesToFirstContact: medianContact,
    p90MinutesToFirstContact: p90Contact,
    percentContactedWithinTarget: publishPercentage(cells['contact-time:0-30'], cells['reached:yes'], k),
    percentSupporterAccepted: publishPercentage(cells['supporter:accepted'], cells['outreach:offered'], k),
    percentClinicianAcceptedSupport: publishPercentage(cells['clinician:accepted-support'], cells['reached:yes'], k),
    percentFollowUpCompleted: publishPercentage(cells['follow-up-completed:yes'], cells['clinician:accepted-support'], k),
  };
  if (hidden) for (const name of Object.keys(statistics) as (keyof RowStatistics)[]) statistics[name] = SUPPRESSED;
  return statistics;
}

function supporterLoad(counted: Counted[], k: number): SupporterLoad {
  const perSupporter = new Map<string, number>();
  for (const { fact } of counted) {
    if (fact.supporterKey && (fact.supporterAccepted || fact.reached)) perSupporter.set(fact.supporterKey, (perSupporter.get(fact.supporterKey) ?? 0) + 1);
  }
  const loads = [...perSupporter.values()];
  const binCounts = LOAD_BINS.map((bin) => loads.filter((load) => load >= bin.min && load <= bin.max).length);
  const table = { values: [loads.length, ...binCounts], relations: [{ total: 0, parts: binCounts.map((_, i) => i + 1) }] };
  const { suppressed } = protectTable(table, k);
  const shown = (i: number): Published => (suppressed[i] ? SUPPRESSED : { value: table.values[i], suppressed: false });
  return {
    supporters: shown(0),
    bins: LOAD_BINS.map((bin, i) => ({ label: bin.label, supporters: shown(i + 1) })),
    // Rests on the supporters count: published only with it.
    medianCasesPerSupporter: publishStatistic(median(loads), loads.length, shown(0), k),
  };
}
