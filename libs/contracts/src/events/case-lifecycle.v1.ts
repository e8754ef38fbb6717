import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested,
} from 'class-validator';
import {
  CASE_STATUSES, CaseStatus, ESCALATION_REASONS, EscalationReason, PROFESSION_GROUPS, ProfessionGroup, REFERRAL_TYPES, ReferralType,
} from '../vocabulary/case-status';

/** What the supporter recorded, as flags only. */
export class CaseOutcomeV1 {
  @IsOptional()
  @IsBoolean()
  contactMade?: boolean;

  @IsOptional()
  @IsBoolean()
  supportDeclined?: boolean;

  @IsOptional()
  @IsArray()
  @IsIn(REFERRAL_TYPES, { each: true })
  referrals?: ReferralType[];

  @IsOptional()
  @IsBoolean()
  timeOffSuggested?: boolean;
}
import { TriggerV1 } from './support-requested.v1';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/**
 * A case changed status. Reporting builds its pseudonymous facts from these; they carry no clinician
 * identifiers, only the case id (which reporting hashes) and coarse attributes.
 */
export class CaseLifecycleV1 {
  @IsUUID()
  caseId: string;

  @IsIn(CASE_STATUSES)
  status: CaseStatus;

  @IsRfc3339()
  at: string;

  // @ValidateNested alone lets a missing value or an array through; @IsObject makes the field required.
  @IsObject()
  @ValidateNested()
  @Type(() => TriggerV1)
  trigger: TriggerV1;

  @IsString()
  @MaxLength(100)
  facility: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsOptional()
  @IsIn(PROFESSION_GROUPS)
  professionGroup?: ProfessionGroup;

  /** Which offer attempt this status belongs to, when it concerns an offer. */
  @IsOptional()
  @IsInt()
  @Min(1)
  attempt?: number;

  /** The supporter concerned (offers, acceptance, outcomes); reporting keeps only a keyed hash of it. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  supporterId?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CaseOutcomeV1)
  outcome?: CaseOutcomeV1;

  /** For `follow-up`: which follow-up was completed (1 = first). */
  @IsOptional()
  @IsInt()
  @Min(1)
  followUpSequence?: number;

  @IsOptional()
  @IsIn(ESCALATION_REASONS)
  escalationReason?: EscalationReason;

  /** For escalations: the external resource offered to the clinician (e.g. a national support line id). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  fallbackResource?: string;
}

export const CaseLifecycle = defineEvent({
  type: 'org.harbor.case.lifecycle',
  version: 1,
  topic: 'cases.lifecycle.v1',
  payload: CaseLifecycleV1,
  key: (change) => change.caseId,
  subject: (change) => change.caseId,
});
