import { ArrayMaxSize, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { REFERRAL_TYPES, ReferralType } from '../vocabulary/case-status';
import { defineEvent } from '../definition/event-definition';
import { CaseOutcomeV1 } from './case-lifecycle.v1';

/**
 * What a supporter reports about their case: the outcome flags, plus a follow-up done or the case closed. Structured
 * flags only, never notes; matching's outcome transition applies it.
 */
export class OutcomeReportV1 extends CaseOutcomeV1 {
  /** A report names each referral at most once. */
  @ArrayMaxSize(REFERRAL_TYPES.length)
  override referrals?: ReferralType[] = undefined;

  /** The supporter completed a follow-up conversation. */
  @IsOptional()
  @IsBoolean()
  followUpCompleted?: boolean;

  /** The case is finished: pending follow-ups are cancelled and the supporter's capacity is freed. */
  @IsOptional()
  @IsBoolean()
  close?: boolean;
}

/**
 * A supporter recorded their encounter on the encounter page (the signed `/e/` link of one accepted assignment):
 * structured flags only, never notes. Matching applies it as that assignment's supporter's outcome report.
 */
export class EncounterRecordedV1 extends OutcomeReportV1 {
  /** One submission of the page; matching applies each once. */
  @IsUUID()
  recordId: string;

  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

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
