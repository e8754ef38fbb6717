import { ATTENDANCE_BANDS } from '@harbor/contracts';
import { protectTable } from '../disclosure/linked-table';
import { Published, SUPPRESSED, sumPublished } from '../disclosure/statistics';

/** One pseudonymous group-debrief fact as the metrics read it (see the reporting.debrief_facts table). */
export interface DebriefFact {
  /** Hour the debrief was offered: the period anchor. */
  openedHour: Date;
  status: string;
  attendanceBand: string | null;
}

/**
 * Group debriefs of a period, their own kind next to the cases: how many were offered, held, declined or
 * are still open, and the held ones by attendance band. One linked table (offered = held + declined + open;
 * held = the sum of its bands), protected as a whole with the same minimum cell size and complementary
 * suppression as the cases, so no count between 1 and k-1 is published nor recoverable by subtraction.
 * Counted for the whole program: by place, debriefs (a handful a year) would be hidden everywhere.
 */
export interface GroupDebriefCounts {
  offered: Published;
  held: Published;
  declined: Published;
  open: Published;
  attendance: { band: string; debriefs: Published }[];
}

const KNOWN_STATUSES = new Set(['offered', 'held', 'declined']);

/** Why a debrief fact cannot be counted, or null (a value outside the vocabularies is left out, not fatal). */
export function debriefFactProblem(fact: DebriefFact): string | null {
  if (!(fact.openedHour instanceof Date) || Number.isNaN(fact.openedHour.getTime())) return 'invalid opening time';
  if (!KNOWN_STATUSES.has(fact.status)) return 'value outside the reporting vocabulary';
  if (fact.status === 'held' && !(ATTENDANCE_BANDS as readonly string[]).includes(fact.attendanceBand ?? '')) return 'value outside the reporting vocabulary';
  return null;
}

/** The protected debrief table of one period's facts (already filtered to the period and checked). */
export function groupDebriefCounts(facts: DebriefFact[], minCellSize: number): GroupDebriefCounts {
  const count = (pick: (fact: DebriefFact) => boolean) => facts.filter(pick).length;
  const bands = ATTENDANCE_BANDS.map((band) => count((fact) => fact.status === 'held' && fact.attendanceBand === band));
  // Entries: 0 offered, 1 held, 2 declined, 3 open, 4.. one per attendance band.
  const values = [facts.length, count((f) => f.status === 'held'), count((f) => f.status === 'declined'), count((f) => f.status === 'offered'), ...bands];
  const relations = [
    { total: 0, parts: [1, 2, 3] },
    { total: 1, parts: bands.map((_, i) => 4 + i) },
  ];
  const { suppressed } = protectTable({ values, relations }, minCellSize);
  const shown = (i: number): Published => (suppressed[i] ? SUPPRESSED : { value: values[i], suppressed: false });
  return {
    offered: shown(0),
    held: shown(1),
    declined: shown(2),
    open: shown(3),
    attendance: ATTENDANCE_BANDS.map((band, i) => ({ band, debriefs: shown(4 + i) })),
  };
}

/**
 * A coarser period's debriefs as the sum of its released parts (suppressed where any part is), like its
 * case counts. Null when a part was released before debriefs were counted.
 */
export function sumGroupDebriefs(parts: (GroupDebriefCounts | undefined)[]): GroupDebriefCounts | null {
  if (parts.length === 0 || parts.some((part) => !part)) return null;
  const all = parts as GroupDebriefCounts[];
  const sum = (pick: (counts: GroupDebriefCounts) => Published) => sumPublished(all.map(pick));
  return {
    offered: sum((c) => c.offered),
    held: sum((c) => c.held),
    declined: sum((c) => c.declined),
    open: sum((c) => c.open),
    attendance: ATTENDANCE_BANDS.map((band, i) => ({ band, debriefs: sum((c) => c.attendance[i]?.debriefs ?? SUPPRESSED) })),
  };
}
