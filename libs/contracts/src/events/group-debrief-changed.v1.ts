import { IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/** Where a group debrief stands: offered to the program's coordinator, then held or declined. */
export const GROUP_DEBRIEF_STATUSES = ['offered', 'held', 'declined'] as const;
export type GroupDebriefStatus = (typeof GROUP_DEBRIEF_STATUSES)[number];

/** How many people attended a debrief that was held, as a band (never an exact head count). */
export const ATTENDANCE_BANDS = ['2-4', '5-9', '10+'] as const;
export type AttendanceBand = (typeof ATTENDANCE_BANDS)[number];

/** The band is there exactly when the debrief was held, and is one of ATTENDANCE_BANDS. */
function BandOnlyWhenHeld() {
  return ValidateBy({
    name: 'bandOnlyWhenHeld',
    validator: {
      validate: (value, args) =>
        (args?.object as { status?: unknown }).status === 'held' ? (ATTENDANCE_BANDS as readonly unknown[]).includes(value) : value === undefined,
      defaultMessage: () => `attendanceBand must be one of ${ATTENDANCE_BANDS.join(', ')} when the debrief was held, and absent otherwise`,
    },
  });
}

/**
 * A group debrief changed status. Matching opens one when a single event names at least the program's
 * threshold of clinicians of one unit (the unit is offered a debrief besides each person's own outreach),
 * and closes it when program staff record the outcome. Reporting counts these as their own kind under its
 * disclosure control. It carries no clinician, no event and no unit: only the debrief's id (which reporting
 * hashes), the facility, the status and, once held, the attendance band.
 */
export class GroupDebriefChangedV1 {
  @IsUUID()
  debriefId: string;

  @IsIn(GROUP_DEBRIEF_STATUSES)
  status: GroupDebriefStatus;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  facility: string;

  /** How many clinicians of the unit the event named when the debrief was offered (the threshold or more). */
  @IsInt()
  @Min(2)
  @Max(10_000)
  clinicians: number;

  /** Exactly with status `held`. */
  @BandOnlyWhenHeld()
  attendanceBand?: AttendanceBand;

  /** When the debrief was offered (status `offered`) or its outcome recorded. */
  @IsRfc3339()
  at: string;
}

export const GroupDebriefChanged = defineEvent({
  type: 'org.harbor.group-debrief.changed',
  version: 1,
  topic: 'debriefs.lifecycle.v1',
  payload: GroupDebriefChangedV1,
  key: (change) => change.debriefId,
  subject: (change) => change.debriefId,
});
