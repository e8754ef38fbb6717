import { ArrayMinSize, IsArray, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/** Notification could not reach the supporter on any channel: matching moves on (next supporter or escalation). */
export class AssignmentUndeliverableV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  /** Channel kinds tried, with a short error class each (never provider response bodies). */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  failures: string[];

  @IsRfc3339()
  failedAt: string;
}

export const AssignmentUndeliverable = defineEvent({
  type: 'org.harbor.assignment.undeliverable',
  version: 1,
  topic: 'assignments.undeliverable.v1',
  payload: AssignmentUndeliverableV1,
  key: (failure) => failure.caseId,
  subject: (failure) => failure.assignmentId,
});
