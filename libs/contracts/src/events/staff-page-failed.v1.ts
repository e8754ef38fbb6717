import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { STAFF_PAGE_KINDS, StaffPageKind } from './staff-page-requested.v1';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/** Why a staff page was given up: every channel refused it, or its delivery deadline passed while providers were down. */
export const STAFF_PAGE_FAILURES = ['refused', 'deadline'] as const;
export type StaffPageFailure = (typeof STAFF_PAGE_FAILURES)[number];

/**
 * Notification could not deliver a staff page (a coordinator escalation or a follow-up reminder) on any
 * channel: every channel refused it, or it was retried until its own deadline. Staff pages are the last
 * line of defence, so this is for people to act on (program console, ops alert). No addresses, no text.
 */
export class StaffPageFailedV1 {
  @IsUUID()
  pageId: string;

  @IsIn(STAFF_PAGE_KINDS)
  kind: StaffPageKind;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  recipientId: string;

  @IsIn(STAFF_PAGE_FAILURES)
  reason: StaffPageFailure;

  /** Channel kinds tried, with a short error class each (never provider response bodies). */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  failures: string[];

  @IsRfc3339()
  failedAt: string;
}

export const StaffPageFailed = defineEvent({
  type: 'org.harbor.staff-page.failed',
  version: 1,
  topic: 'staff-pages.failed.v1',
  payload: StaffPageFailedV1,
  key: (failure) => failure.caseId,
  subject: (failure) => failure.pageId,
});
