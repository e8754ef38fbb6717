import { buildCrossTable, flatten } from '../disclosure/cross-table';
import { protectTable } from '../disclosure/linked-table';
import { median, percentile, Published, publishPercentage, publishStatistic, SUPPRESSED } from '../disclosure/statistics';
import { CaseFact } from './case-fact';
import { COLUMN_ROOT, crossRecordOf, departmentNode, facilityNode, placeRoot } from './dimensions';
import { coarser, Granularity, Period, periodOf } from './periods';

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

/**
 * The canonical release of one period: every count of the place × column hierarchy, protected together,
 * plus statistics that rest on at least k cases. Every API answer, CSV row, dashboard figure and topic
 * message is read from a release and never computed afresh, so combining answers tells a reader nothing
 * the release does not show.
 */
export interface Release {
  period: Period;
  minCellSize: number;
  places: string[];
  columns: string[];
  cells: Record<string, Record<string, Published>>;
  statistics: Record<string, RowStatistics>;
  supporterLoad: SupporterLoad;
}

export const LOAD_BINS = [
  { label: '1', min: 1, max: 1 },
  { label: '2-3', min: 2, max: 3 },
  { label: '4-6', min: 4, max: 6 },
  { label: '7+', min: 7, max: Infinity },
];

export function buildRelease(period: Period, facts: CaseFact[], minCellSize: number): Release {
  const inPeriod = facts.filter((fact) => fact.openedHour >= period.start && fact.openedHour < period.end);
  const rowRoot = placeRoot(inPeriod);
  const table = buildCrossTable(rowRoot, COLUMN_ROOT, inPeriod.map(crossRecordOf));
  const { suppressed } = protectTable(table, minCellSize);
  const cells: Release['cells'] = {};
  for (const place of table.rowIds) {
    cells[place] = {};
    for (const column of table.columnIds) {
      const at = table.index(place, column);
      cells[place][column] = suppressed[at] ? SUPPRESSED : { value: table.values[at], suppressed: false };
    }
  }
  const statistics: Release['statistics'] = {};
  for (const place of table.rowIds) {
    const rowFacts = inPeriod.filter((fact) => place === 'all' || place === facilityNode(fact.facility) || place === departmentNode(fact.facility, fact.department));
    statistics[place] = rowStatistics(rowFacts, cells[place], minCellSize);
  }
  return {
    period,
    minCellSize,
    places: flatten(rowRoot).map((node) => node.id),
    columns: table.columnIds,
    cells,
    statistics,
    supporterLoad: supporterLoad(inPeriod, minCellSize),
  };
}

function rowStatistics(facts: CaseFact[], cells: Record<string, Published>, k: number): RowStatistics {
  const values = (pick: (fact: CaseFact) => number | null) => facts.map(pick).filter((value): value is number => value !== null);
  const stat = (list: number[], compute: (list: number[]) => number | null) => publishStatistic(compute(list), list.length, k);
  const toPage = values((fact) => fact.minutesEventToFirstPage);
  const toAccept = values((fact) => fact.minutesOfferToAccept);
  const toContact = values((fact) => (fact.reached ? fact.minutesToFirstContact : null));
  const p90 = (list: number[]) => percentile(list, 90);
  return {
    medianMinutesEventToFirstPage: stat(toPage, median),
    p90MinutesEventToFirstPage: stat(toPage, p90),
    medianMinutesOfferToAccept: stat(toAccept, median),
    p90MinutesOfferToAccept: stat(toAccept, p90),
    medianMinutesToFirstContact: stat(toContact, median),
    p90MinutesToFirstContact: stat(toContact, p90),
    percentContactedWithinTarget: publishPercentage(cells['contact-time:0-30'], cells['reached:yes'], k),
    percentSupporterAccepted: publishPercentage(cells['supporter:accepted'], cells['outreach:offered'], k),
    percentClinicianAcceptedSupport: publishPercentage(cells['clinician:accepted-support'], cells['reached:yes'], k),
    percentFollowUpCompleted: publishPercentage(cells['follow-up-completed:yes'], cells['clinician:accepted-support'], k),
  };
}

function supporterLoad(facts: CaseFact[], k: number): SupporterLoad {
  const perSupporter = new Map<string, number>();
  for (const fact of facts) {
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
    medianCasesPerSupporter: publishStatistic(median(loads), loads.length, k),
  };
}

/**
 * One granularity per calendar year, chosen from that year's data alone: the finest of month and
 * quarter at which every period holding cases has at least k of them, else the year. Releasing a year at
 * one granularity only means no published month can be subtracted from a published quarter.
 */
export function releaseGranularity(yearFacts: CaseFact[], minCellSize: number): Granularity {
  for (let granularity: Granularity | null = 'month'; granularity && granularity !== 'year'; granularity = coarser(granularity)) {
    const counts = new Map<string, number>();
    for (const fact of yearFacts) {
      const label = periodOf(fact.openedHour, granularity).label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    if ([...counts.values()].every((count) => count >= minCellSize)) return granularity;
  }
  return 'year';
}
