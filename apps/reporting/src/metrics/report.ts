import { Published, sumPublished } from '../disclosure/statistics';
import { GroupDebriefCounts, sumGroupDebriefs } from './group-debriefs';
import { columnsForGrouping, groupOf, Grouping } from './dimensions';
import { Granularity, isFiner, Period, periodsBetween } from './periods';
import { PLACE_LEVELS, PlaceLevel, placeLabel } from './places';
import { isLabelled, Release, ReleaseRow, RowStatistics, SupporterLoad } from './release';
import { yearStart } from './release-ledger';

export interface ReportQuery {
  from: Date;
  /** Exclusive. */
  to: Date;
  granularity: Granularity;
  place: PlaceLevel;
  /** A facility id of the vocabulary (or "other"). */
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
  /** "all", and the places whose count is published and not zero (no label for a hidden or empty place). */
  rows: ReportRow[];
  supporterLoad: SupporterLoad | null;
  /** Group debriefs of the period (whole program), protected; null where a part was released before they were counted. */
  groupDebriefs: GroupDebriefCounts | null;
}

export interface Report {
  minCellSize: number;
  query: { from: string; to: string; granularity: Granularity; place: PlaceLevel; facility: string | null; grouping: Grouping; category: string | null };
  columns: string[];
  coarsening: Coarsening[];
  /** The first instant of the query not yet covered by a release (periods are released once they settle), or null. */
  unreleasedFrom: string | null;
  periods: ReportPeriod[];
}

/** The fixed releases a report reads: each year's granularity and each released period, by label. */
export interface ReleaseShelf {
  readonly plans: ReadonlyMap<number, Granularity>;
  readonly releases: ReadonlyMap<string, Release>;
}

interface Slot {
  period: Period;
  parts: Release[];
  derived: boolean;
}

/** Answers a query with a view of the fixed releases, coarsening where cells are too small. */
export function buildReport(shelf: ReleaseShelf, query: ReportQuery, minCellSize: number): Report {
  const coarsening: Coarsening[] = [];
  const slots: Slot[] = [];
  const coarsened: string[] = [];
  let unreleased: Date | null = null;
  const noteUnreleased = (at: Date) => {
    const from = at < query.from ? query.from : at;
    if (from < query.to && (!unreleased || from < unreleased)) unreleased = from;
  };
  for (let year = query.from.getUTCFullYear(); year <= new Date(query.to.getTime() - 1).getUTCFullYear(); year++) {
    const released = shelf.plans.get(year);
    const start = new Date(Math.max(query.from.getTime(), yearStart(year).getTime()));
    const end = new Date(Math.min(query.to.getTime(), yearStart(year + 1).getTime()));
    if (!released) {
      noteUnreleased(start);
      continue;
    }
    const inRange = periodsBetween(start, end, released);
    const firstMissing = inRange.find((period) => !shelf.releases.has(period.label));
    if (firstMissing) noteUnreleased(firstMissing.start);
    if (isFiner(query.granularity, released)) coarsened.push(`${year}`);
    if (!isFiner(released, query.granularity)) {
      for (const period of inRange) {
        const release = shelf.releases.get(period.label);
        if (release) slots.push({ period, parts: [release], derived: false });
      }
      continue;
    }
    // Coarser than released: sums of released periods, only once every part of the period is released.
    for (const period of periodsBetween(start, end, query.granularity)) {
      const parts = periodsBetween(period.start, period.end, released).map((part) => shelf.releases.get(part.label));
      if (parts.every((part): part is Release => part !== undefined)) slots.push({ period, parts, derived: true });
    }
  }
  if (coarsened.length > 0) {
    coarsening.push({
      dimension: 'period',
      requested: query.granularity,
      applied: coarsened.map((year) => `${year}: ${shelf.plans.get(Number(year))}`).join(', '),
      reason: `some ${query.granularity}s hold fewer than ${minCellSize} cases; each year is released at one granularity`,
      periods: coarsened,
    });
  }

  const inFacility = (row: ReleaseRow) => !query.facility || (row.place.level !== 'all' && row.place.facility === query.facility);
  /** Row keys at a level in a slot, hidden rows included (they decide coarsening, never appear). */
  const keysAt = (slot: Slot, level: PlaceLevel) => {
    const keys = new Set<string>();
    for (const release of slot.parts) for (const key of release.places) if (release.rows[key].place.level === level && inFacility(release.rows[key])) keys.add(key);
    return [...keys];
  };
  const cellAt = (parts: Release[], key: string, column: string): Published => sumPublished(parts.map((release) => release.rows[key]?.cells[column]));

  let placeLevel = query.place;
  if (query.facility && placeLevel === 'all') placeLevel = 'facility';
  for (let i = PLACE_LEVELS.indexOf(placeLevel); i < PLACE_LEVELS.length; i++) {
    const level = PLACE_LEVELS[i];
    if (query.facility && level === 'all') break;
    placeLevel = level;
    const hidden = slots.some((slot) => keysAt(slot, level).some((key) => cellAt(slot.parts, key, 'cases').suppressed));
    if (!hidden) break;
  }
  if (placeLevel !== query.place && !(query.facility && query.place === 'all')) {
    coarsening.push({ dimension: 'place', requested: query.place, applied: placeLevel, reason: `some ${query.place} totals are below ${minCellSize}` });
  }
  /** A place is shown in a slot only where every part labels it: an absent label never tells "hidden" from "none". */
  const shownKeys = (slot: Slot) =>
    keysAt(slot, placeLevel)
      .filter((key) => slot.parts.every((release) => isLabelled(release.rows[key])))
      .sort((a, b) => (placeLabel(slot.parts[0].rows[a].place) < placeLabel(slot.parts[0].rows[b].place) ? -1 : 1));

  let columns = restrictToCategory(columnsForGrouping(query.grouping), query.category);
  if (query.grouping === 'category' && (!query.category || query.category.startsWith('group:'))) {
    const categoryCells = slots.flatMap((slot) =>
      shownKeys(slot).flatMap((key) => columns.filter((c) => c.startsWith('category:')).map((c) => cellAt(slot.parts, key, c))),
    );
    const informative = categoryCells.filter((cell) => cell.suppressed || cell.value !== 0);
    if (informative.length > 0 && informative.filter((cell) => cell.suppressed).length * 2 > informative.length) {
      columns = restrictToCategory(columnsForGrouping('category', 'group'), query.category);
      coarsening.push({ dimension: 'category', requested: 'category', applied: 'group', reason: 'most categories are below the minimum cell size' });
    }
  }

  return {
    minCellSize,
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
    unreleasedFrom: unreleased ? (unreleased as Date).toISOString() : null,
    periods: slots.map((slot) => ({
      period: slot.period.label,
      granularity: slot.period.granularity,
      start: slot.period.start.toISOString(),
      end: slot.period.end.toISOString(),
      derived: slot.derived,
      rows: shownKeys(slot).map((key) => ({
        place: placeLabel(slot.parts[0].rows[key].place),
        cells: Object.fromEntries(columns.map((column) => [column, cellAt(slot.parts, key, column)])),
        statistics: slot.derived ? null : slot.parts[0].rows[key].statistics,
      })),
      supporterLoad: slot.derived ? null : slot.parts[0].supporterLoad,
      // Counted for the whole program only: a report for one facility shows none rather than the program's.
      groupDebriefs: query.facility ? null : sumGroupDebriefs(slot.parts.map((release) => release.groupDebriefs)),
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
