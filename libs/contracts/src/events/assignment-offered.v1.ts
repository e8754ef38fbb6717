import { Type } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { CHANNEL_KINDS, ChannelKind } from '../vocabulary/channels';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent, PERSONAL_DATA_TOPIC_RETENTION_MS } from '../definition/event-definition';

export class ChannelAddressV1 {
  @IsIn(CHANNEL_KINDS)
  kind: ChannelKind;

  /** Phone number, pager id, routing key alias or email address; empty for the console channel. */
  @IsString()
  @MaxLength(200)
  address: string;
}

/**
 * Matching offers a case to one supporter. It carries how to reach the supporter and nothing about the
 * clinician or the event: pages must not be able to say more than "a colleague may need support".
 */
export class AssignmentOfferedV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsInt()
  @Min(1)
  attempt: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChannelAddressV1)
  channels: ChannelAddressV1[];

  @IsRfc3339()
  respondBy: string;

  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  language?: string;

  /** Which peer-support program the offer belongs to; picks the page template (optional, added in v1). */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,49}$/)
  programId?: string;
}

export const AssignmentOffered = defineEvent({
  type: 'org.harbor.assignment.offered',
  version: 1,
  topic: 'assignments.offered.v1',
  payload: AssignmentOfferedV1,
  key: (offer) => offer.caseId,
  subject: (offer) => offer.assignmentId,
  // Names a person: a week on the topic (PERSONAL_DATA_TOPIC_RETENTION_MS); a sent outbox row goes after an hour.
  topicPolicy: { retentionMs: PERSONAL_DATA_TOPIC_RETENTION_MS },
});
