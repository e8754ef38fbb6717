import { createHash } from 'node:crypto';
import { ATTENDANCE_BANDS, AttendanceBand, GroupDebriefStatus } from '@harbor/contracts';

/**
 * One event, a whole unit: the pure rules. Which unit a named clinician counts for, how a clinician is
 * counted once, when a debrief is due and which outcomes close it. No framework, no database.
 */

/**
 * The unit a clinician counts for: the directory's department, else the event's (the same rule as
 * matching's department policy), trimmed and lower-cased so `ICU` and `icu ` are one unit. Null when
 * neither is known: such a clinician is in no unit's tally.
 */
export function unitOf(directoryDepartment: string | null | undefined, eventDepartment: string | null | undefined): string | null {
  for (const department of [directoryDepartment, eventDepartment]) {
    const unit = department?.trim().toLowerCase();
    if (unit) return unit;
  }
  return null;
}

/**
 * What the tally stores for a clinician: a SHA-256 of matching's clinician key (the directory id, else the
 * identifier as received), so one person named twice counts once and the tally holds no identifier in clear.
 */
export function tallyMember(clinicianKey: string): string {
  return createHash('sha256').update(clinicianKey).digest('base64url');
}

/** A debrief is offered once the event names at least `threshold` distinct clinicians of the unit. */
export function debriefDue(cliniciansInUnit: number, threshold: number): boolean {
  return Number.isInteger(threshold) && threshold >= 2 && cliniciansInUnit >= threshold;
}

export const DEBRIEF_OUTCOMES = ['held', 'declined'] as const;
export type DebriefOutcome = (typeof DEBRIEF_OUTCOMES)[number];

export interface DebriefOutcomeReport {
  outcome: DebriefOutcome;
  attendanceBand?: AttendanceBand;
}

/** Why an outcome cannot be recorded: the field at fault (422) or the debrief is already closed (409). */
export type DebriefOutcomeRefusal = { kind: 'invalid'; field: 'attendanceBand'; message: string } | { kind: 'closed'; message: string };

/**
 * The status a recorded outcome moves an offered debrief to, or why it cannot. A held debrief needs its
 * attendance band; a declined one has none. A debrief takes one outcome: held and declined are final.
 */
export function debriefOutcomeTransition(
  current: GroupDebriefStatus,
  report: DebriefOutcomeReport,
): { status: DebriefOutcome; attendanceBand: AttendanceBand | null } | DebriefOutcomeRefusal {
  if (report.outcome === 'held' && !report.attendanceBand) {
    return { kind: 'invalid', field: 'attendanceBand', message: `is required when the debrief was held (one of ${ATTENDANCE_BANDS.join(', ')})` };
  }
  if (report.outcome === 'declined' && report.attendanceBand) {
    return { kind: 'invalid', field: 'attendanceBand', message: 'must be absent when the debrief was declined' };
  }
  if (current !== 'offered') return { kind: 'closed', message: `The debrief is already closed (${current}).` };
  return { status: report.outcome, attendanceBand: report.attendanceBand ?? null };
}
