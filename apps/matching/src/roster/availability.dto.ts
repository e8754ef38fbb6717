import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsTimeZone, Matches, ValidateNested } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class WeeklyWindowDto {
  @IsIn(WEEKDAYS)
  day: (typeof WEEKDAYS)[number];

  /** Local start time, "HH:MM". */
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start: string;

  /** Local end time, "HH:MM"; at or before `start` means the window runs past midnight. */
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end: string;
}

/** Replaces a supporter's weekly on-call schedule. An empty list means "on call at any time". */
export class PutScheduleDto {
  @IsTimeZone()
  timeZone: string;

  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => WeeklyWindowDto)
  windows: WeeklyWindowDto[];
}

/** A period the supporter cannot take cases; no reason is asked for or stored. */
export class AddUnavailabilityDto {
  @IsRfc3339()
  from: string;

  @IsRfc3339()
  until: string;
}

export class AddTrainingDto {
  /** Short course code, e.g. "rise-core" or "role-play-refresher"; not free text about the person. */
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'course may contain only letters, digits, ".", "_" and "-"' })
  course: string;

  @IsRfc3339()
  completedOn: string;

  @IsRfc3339()
  expiresOn: string;
}
