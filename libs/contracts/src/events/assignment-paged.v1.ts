import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { CHANNEL_KINDS, ChannelKind } from '../vocabulary/channels';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/**
 * Notification handed an offer's page to a provider (the provider accepted it, or a lookup after a crash
 * found it there). Matching starts the acknowledgement clock from `pagedAt`: an offer the supporter never
 * received cannot time out, so a provider outage does not burn offers. Sent once per offer page.
 */
export class AssignmentPagedV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  /** The channel kind that carried the page (never its address). */
  @IsIn(CHANNEL_KINDS)
  channel: ChannelKind;

  @IsRfc3339()
  pagedAt: string;
}

export const AssignmentPaged = defineEvent({
  type: 'org.harbor.assignment.paged',
  version: 1,
  topic: 'assignments.paged.v1',
  payload: AssignmentPagedV1,
  key: (paged) => paged.caseId,
  subject: (paged) => paged.assignmentId,
});
