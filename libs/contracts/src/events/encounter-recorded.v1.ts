import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { REFERRAL_TYPES, ReferralType } from '../vocabulary/case-status';
import { defineEvent } from '../definition/event-definition';

/**
 * A supporter recorded their encounter on the encounter page (the signed `/e/` link of one accepted assignment):
 * structured flags only, never notes. Matching applies it as that assignment's supporter's outcome report.
 */
export class EncounterRecordedV1 {
  /** One submission of the page; matching applies each once. */
  @IsUUID()
  recordId: string;

  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsOptional()
  @IsBoolean()
  contactMade?: boolean;

  /** The clinician declined support (they were offered the resources). */
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

  @IsRfc3339()
  recordedAt: string;
}

export const EncounterRecorded = defineEvent({
  type: 'org.harbor.encounter.recorded',
  version: 1,
  topic: 'encounters.recorded.v1',
  payload: EncounterRecordedV1,
  key: (record) => record.caseId,
  subject: (record) => record.assignmentId,
});
