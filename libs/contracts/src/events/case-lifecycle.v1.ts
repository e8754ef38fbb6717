import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '@harbor/messaging';
import { CASE_STATUSES, CaseStatus, PROFESSION_GROUPS, ProfessionGroup } from '../vocabulary/case-status';
import { TriggerV1 } from './support-requested.v1';

/**
 * A case changed status. Reporting builds its pseudonymous facts from these; they carry no clinician
 * identifiers, only the case id (which reporting hashes) and coarse attributes.
 */
export class CaseLifecycleV1 {
  @IsUUID()
  caseId: string;

  @IsIn(CASE_STATUSES)
  status: CaseStatus;

  @IsISO8601({ strict: true })
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
}

export const CaseLifecycle = defineEvent({
  type: 'org.harbor.case.lifecycle',
  version: 1,
  topic: 'cases.lifecycle.v1',
  payload: CaseLifecycleV1,
  key: (change) => change.caseId,
  subject: (change) => change.caseId,
});
