import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CASE_STATUSES, CaseStatus, REFERRAL_TYPES, ReferralType } from '@harbor/contracts';
import { IsRfc3339 } from '@harbor/input';

/** Structured outcome flags; there is deliberately no free-text field. */
export class RecordOutcomeDto {
  @IsOptional()
  @IsBoolean()
  contactMade?: boolean;

  @IsOptional()
  @IsBoolean()
  supportDeclined?: boolean;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(REFERRAL_TYPES.length)
  @IsIn(REFERRAL_TYPES, { each: true })
  referrals?: ReferralType[];

  @IsOptional()
  @IsBoolean()
  timeOffSuggested?: boolean;

  @IsOptional()
  @IsBoolean()
  followUpCompleted?: boolean;

  @IsOptional()
  @IsBoolean()
  close?: boolean;
}

export class ListCasesQuery {
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  program?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  supporterId?: string;

  /** Cases opened at or after this time. */
  @IsOptional()
  @IsRfc3339()
  from?: string;

  /** Cases opened before this time. */
  @IsOptional()
  @IsRfc3339()
  to?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  /** Opaque cursor from the previous page's `next`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ExplainQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  supporterId?: string;
}

/** GET /v1/cases/board: one program's board, or every program's. */
export class CasesBoardQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  program?: string;
}
