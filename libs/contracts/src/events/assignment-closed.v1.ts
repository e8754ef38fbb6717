import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

export const ASSIGNMENT_CLOSE_REASONS = ['expired', 'case-closed', 'cancelled', 'escalated'] as const;
export type AssignmentCloseReason = (typeof ASSIGNMENT_CLOSE_REASONS)[number];

/**
 * Matching closed an offer that is still open on the supporter's phone (its deadline passed, the case
 * closed or was escalated): notification stops accepting answers to it and resolves provider incidents.
 */
export class AssignmentClosedV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  @IsIn(ASSIGNMENT_CLOSE_REASONS)
  reason: AssignmentCloseReason;

  @IsRfc3339()
  closedAt: string;
}

export const AssignmentClosed = defineEvent({
  type: 'org.harbor.assignment.closed',
  version: 1,
  topic: 'assignments.closed.v1',
  payload: AssignmentClosedV1,
  key: (closed) => closed.caseId,
  subject: (closed) => closed.assignmentId,
});
