import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { ChannelAddressV1 } from './assignment-offered.v1';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent, PERSONAL_DATA_TOPIC_RETENTION_MS } from '../definition/event-definition';

export const STAFF_PAGE_KINDS = ['follow-up-reminder', 'coordinator-escalation', 'training-reminder', 'group-debrief-offer'] as const;
export type StaffPageKind = (typeof STAFF_PAGE_KINDS)[number];

/**
 * Matching asks notification to page program staff: a follow-up reminder to the supporter who accepted,
 * an escalation to the on-call coordinator, or a training reminder (a supporter's training expires soon,
 * to the supporter and the program's administrators). Like offers, it carries no clinician or event details.
 * A training reminder belongs to no case: its `caseId` is the reminder's own id (stable per supporter,
 * expiry date and threshold), so the field keeps its meaning of "what this page is about" and its shape.
 * A group-debrief offer (one event involved several clinicians of one unit) goes to the program's coordinator;
 * its `caseId` is the debrief's id and `unit` names the unit — the only thing the page says about it.
 */
export class StaffPageRequestedV1 {
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

  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChannelAddressV1)
  channels: ChannelAddressV1[];

  /** For reminders: which follow-up this is (1 = first). */
  @IsOptional()
  @IsInt()
  @Min(1)
  sequence?: number;

  /** For a group-debrief offer: the unit (department) to offer the debrief to. Nothing else names it. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  unit?: string;

  @IsRfc3339()
  requestedAt: string;
}

export const StaffPageRequested = defineEvent({
  type: 'org.harbor.staff-page.requested',
  version: 1,
  topic: 'staff-pages.requested.v1',
  payload: StaffPageRequestedV1,
  key: (page) => page.caseId,
  subject: (page) => page.pageId,
  // Names a person: a week on the topic (PERSONAL_DATA_TOPIC_RETENTION_MS); a sent outbox row goes after an hour.
  topicPolicy: { retentionMs: PERSONAL_DATA_TOPIC_RETENTION_MS },
});
