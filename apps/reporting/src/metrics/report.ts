import { Published, sumPublished } from '../disclosure/statistics';
import { CaseFact } from './case-fact';
import { columnsForGrouping, facilityNode, groupOf, Grouping, levelOfPlace, PLACE_LEVELS, PlaceLevel } from './dimensions';
import { isFiner, Granularity, Period, periodOf, periodsBetween } from './periods';
import { buildRelease, Release, releaseGranularity, RowStatistics, SupporterLoad } from './release';

export interface ReportQuery {
  from: Date;
  /** Exclusive. */
  to: Date;
  granularity: Granularity;
  place: PlaceLevel;
  facility?: string;
  grouping: Grouping;
  /** A category or group node (`category:medication-error`, `group:legal`); only with grouping=category. */
  category?: string;
}

export interface Coarsening {
  dimension: 'period' | 'place' | 'category';
  requested: string;
  applied: string;
  reason: string;
  periods?: string[];
}

export interface ReportRow {
  place: string;
  cells: Record<string, Published>;
  /** Null for periods derived by adding up finer released periods (medians cannot be added up). */
  statistics: RowStatistics | null;
}

export interface ReportPeriod {
  period: string;
  granularity: Granularity;
  start: string;
  end: string;
  /** True when the period's counts are sums of published finer periods (suppressed if any part was). */
  derived: boolean;
  rows: ReportRow[];
  supporterLoad: SupporterLoad | null;
}

export interface Report {
  minCellSize: number;
  query: { from: string; to: string; granularity: Granularity; place: PlaceLevel; facility: string | null; grouping: Grouping; category: string | null };
  columns: string[];
  coarsening: Coarsening[];
  periods: ReportPeriod[];
}

/** Builds (and memoises per call) the canonical releases of every year the query touches. */
export class ReleaseBook {
  private readonly releases = new Map<string, Release>();
  private readonly granularities = new Map<number, Granularity>();

  constructor(
    private readonly facts: CaseFact[],
    readonly minCellSize: number,
  ) {}

  granularityOf(year: number): Granularity {
    if (!this.granularities.has(year)) {
      const yearFacts = this.facts.filter((fact) => fact.openedHour.getUTCFullYear() === year);
      this.granularities.set(year, releaseGranularity(yearFacts, this.minCellSize));
    }
    return this.granularities.get(year)!;
  }

  /** The released periods of a year overlapping [from, to). */
  releasedPeriods(year: number, from: Date, to: Date): Period[] {
    const start = new Date(Math.max(from.getTime(), Date.UTC(year, 0, 1)));
    const end = new Date(Math.min(to.getTime(), Date.UTC(year + 1, 0, 1)));
    return start < end ? periodsBetween(start, end, this.granularityOf(year)) : [];
  }

  release(period: Period): Release {
    if (!this.releases.has(period.label)) this.releases.set(period.label, buildRelease(period, this.facts, this.minCellSize));
    return this.releases.get(period.label)!;
  }
}

/** Answers a query with a view of the canonical releases, coarsening where cells are too small. */
export function buildReport(book: ReleaseBook, query: ReportQuery): Report {
  const coarsening: Coarsening[] = [];
  const periods: { period: Period; parts: Release[]; derived: boolean }[] = [];
  const coarsened: string[] = [];
  for (let year = query.from.getUTCFullYear(); year <= new Date(query.to.getTime() - 1).getUTCFullYear(); year++) {
    const released = book.granularityOf(year);
    const releasedPeriods = book.releasedPeriods(year, query.from, query.to);
    if (isFiner(query.granularity, released)) {
      coarsened.push(`${year}`);
      releasedPeriods.forEach((period) => periods.push({ period, parts: [book.release(period)], derived: false }));
    } else if (query.granularity === released) {
      releasedPeriods.forEach((period) => periods.push({ period, parts: [book.release(period)], derived: false }));
    } else {
      const groups = new Map<string, Release[]>();
      for (const period of releasedPeriods) {
        const label = periodOf(period.start, query.granularity).label;
        groups.set(label, [...(groups.get(label) ?? []), book.release(period)]);
      }
      for (const parts of groups.values()) periods.push({ period: periodOf(parts[0].period.start, query.granularity), parts, derived: true });
    }
  }
  if (coarsened.length > 0) {
    coarsening.push({
      dimension: 'period',
      requested: query.granularity,
      applied: coarsened.map((year) => `${year}: ${book.granularityOf(Number(year))}`).join(', '),
      reason: `some ${query.granularity}s hold fewer than ${book.minCellSize} cases; each year is released at one granularity`,
      periods: coarsened,
    });
  }

  let placeLevel = query.place;
  if (query.facility && placeLevel === 'all') placeLevel = 'facility';
  const rowsAt = (level: PlaceLevel) => placesAt(periods.flatMap((p) => p.parts), level, query.facility);
  const cellAt = (parts: Release[], place: string, column: string): Published => sumPublished(parts.map((release) => release.cells[place]?.[column]));
  for (let i = PLACE_LEVELS.indexOf(placeLevel); i < PLACE_LEVELS.length; i++) {
    const level = PLACE_LEVELS[i];
    if (query.facility && level === 'all') break;
    placeLevel = level;
    const hidden = rowsAt(level).some((place) => periods.some((p) => cellAt(p.parts, place, 'cases').suppressed));
    if (!hidden) break;
  }
  if (placeLevel !== query.place && !(query.facility && query.place === 'all')) {
    coarsening.push({ dimension: 'place', requested: query.place, applied: placeLevel, reason: `some ${query.place} totals are below ${book.minCellSize}` });
  }
  const places = rowsAt(placeLevel);

  let columns = restrictToCategory(columnsForGrouping(query.grouping), query.category);
  if (query.grouping === 'category' && (!query.category || query.category.startsWith('group:'))) {
    const categoryCells = periods.flatMap((p) => places.flatMap((place) => columns.filter((c) => c.startsWith('category:')).map((c) => cellAt(p.parts, place, c))));
    const informative = categoryCells.filter((cell) => cell.suppressed || cell.value !== 0);
    if (informative.length > 0 && informative.filter((cell) => cell.suppressed).length * 2 > informative.length) {
      columns = restrictToCategory(columnsForGrouping('category', 'group'), query.category);
      coarsening.push({ dimension: 'category', requested: 'category', applied: 'group', reason: 'most categories are below the minimum cell size' });
    }
  }

  return {
    minCellSize: book.minCellSize,
    query: {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      granularity: query.granularity,
      place: query.place,
      facility: query.facility ?? null,
      grouping: query.grouping,
      category: query.category ?? null,
    },
    columns,
    coarsening,
    periods: periods.map(({ period, parts, derived }) => ({
      period: period.label,
      granularity: period.granularity,
      start: period.start.toISOString(),
      end: period.end.toISOString(),
      derived,
      rows: places.map((place) => ({
        place,
        cells: Object.fromEntries(columns.map((column) => [column, cellAt(parts, place, column)])),
        statistics: derived ? null : (parts[0].statistics[place] ?? null),
      })),
      supporterLoad: derived ? null : parts[0].supporterLoad,
    })),
  };
}

function restrictToCategory(columns: string[], category?: string): string[] {
  if (!category) return columns;
  if (category.startsWith('category:')) return columns.filter((column) => column === category);
  const group = category.slice('group:'.length);
  const members = new Set(columnsForGrouping('category').filter((c) => c === category || (c.startsWith('category:') && groupMember(c, group))));
  return columns.filter((column) => members.has(column));
}

function groupMember(categoryColumn: string, group: string): boolean {
  return groupOf(categoryColumn.slice('category:'.length)) === group;
}

/** Places at a level across the releases (a place absent from a period has zero cases there). */
function placesAt(releases: Release[], level: PlaceLevel, facility?: string): string[] {
  const all = new Set<string>();
  for (const release of releases) for (const place of release.places) all.add(place);
  if (all.size === 0) all.add('all');
  return [...all]
    .filter((place) => levelOfPlace(place) === level)
    .filter((place) => !facility || place === facilityNode(facility) || place.startsWith(`department:${facility}/`))
    .sort();
}
