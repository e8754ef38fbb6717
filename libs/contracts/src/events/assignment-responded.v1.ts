import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { OFFER_RESPONSES, OfferResponse, RESPONSE_VIAS, ResponseVia } from '../vocabulary/channels';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/** Notification reports a supporter's answer to an offer. Delivery receipts never produce this event. */
export class AssignmentRespondedV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  @IsIn(OFFER_RESPONSES)
  response: OfferResponse;

  @IsIn(RESPONSE_VIAS)
  via: ResponseVia;

  @IsRfc3339()
  respondedAt: string;
}

export const AssignmentResponded = defineEvent({
  type: 'org.harbor.assignment.responded',
  version: 1,
  topic: 'assignments.responded.v1',
  payload: AssignmentRespondedV1,
  key: (response) => response.caseId,
  subject: (response) => response.assignmentId,
});
