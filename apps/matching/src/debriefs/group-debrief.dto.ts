import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ATTENDANCE_BANDS, AttendanceBand, GROUP_DEBRIEF_STATUSES, GroupDebriefStatus } from '@harbor/contracts';
import { DEBRIEF_OUTCOMES, DebriefOutcome } from './group-debrief-rule';

/** A debrief's structured outcome: held (with how many attended, as a band) or declined. No free text. */
export class RecordDebriefOutcomeDto {
  @IsIn(DEBRIEF_OUTCOMES)
  outcome: DebriefOutcome;

  /** Required when held, absent when declined. */
  @IsOptional()
  @IsIn(ATTENDANCE_BANDS)
  attendanceBand?: AttendanceBand;
}

export class ListDebriefsQuery {
  @IsOptional()
  @IsIn(GROUP_DEBRIEF_STATUSES)
  status?: GroupDebriefStatus;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  program?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}
