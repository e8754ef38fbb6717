import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { HARM_LEVELS, HarmLevel, TRIGGER_CATEGORIES, TRIGGER_KINDS, TriggerCategory, TriggerKind } from '../vocabulary/triggers';
import { IdentifierV1, identifierKey } from './common';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent, PERSONAL_DATA_TOPIC_RETENTION_MS } from '../definition/event-definition';

export class TriggerV1 {
  @IsIn(TRIGGER_KINDS)
  kind: TriggerKind;

  @IsIn(TRIGGER_CATEGORIES)
  category: TriggerCategory;

  @IsOptional()
  @IsIn(HARM_LEVELS)
  harmLevel?: HarmLevel;

  /** When the underlying event happened, for time-to-outreach measures. */
  @IsRfc3339()
  occurredAt: string;
}

/** Intake asks matching to offer support to one clinician. */
export class SupportRequestedV1 {
  @IsUUID()
  requestId: string;

  // @ValidateNested alone lets a missing value or an array through; @IsObject makes the field required.
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierV1)
  clinician: IdentifierV1;

  @IsObject()
  @ValidateNested()
  @Type(() => TriggerV1)
  trigger: TriggerV1;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  facility: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsRfc3339()
  requestedAt: string;

  /**
   * Optional, opaque id of the triggering event (e.g. intake's trigger id), the same for every clinician named
   * in one event: matching never asks a colleague involved in the same event to be the supporter. Absent, matching
   * treats requests with the same trigger kind, category, occurrence time and facility as one event.
   */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  eventKey?: string;
}

export const SupportRequested = defineEvent({
  type: 'org.harbor.support.requested',
  version: 1,
  topic: 'support.requested.v1',
  payload: SupportRequestedV1,
  // One clinician's requests stay in order on one partition.
  key: (request) => identifierKey(request.clinician),
  subject: (request) => request.requestId,
  // Names a person: a week on the topic (PERSONAL_DATA_TOPIC_RETENTION_MS); a sent outbox row goes after an hour.
  topicPolicy: { retentionMs: PERSONAL_DATA_TOPIC_RETENTION_MS },
});
