import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { defineEvent } from '../definition/event-definition';

/** Name and how to reach the clinician (minimum necessary). Sealed inside ContactReleasedV2; in clear only in v1. */
export class ReleasedContactV1 {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/)
  phone?: string;

  @IsOptional()
  @IsEmail()
  email?: string;
}

/**
 * Version 1 carried the contact in clear. Nothing produces it any more (matching produces
 * ContactReleasedV2); notification still consumes it so records written before the upgrade are not lost,
 * sealing them on arrival, and the short retention below empties the old topic of clear-text records.
 */
export class ContactReleasedV1 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ReleasedContactV1)
  clinician: ReleasedContactV1;
}

/** Superseded by ContactReleased (v2); consumed only to drain records produced before the upgrade. */
export const LegacyContactReleasedV1 = defineEvent({
  type: 'org.harbor.contact.released',
  version: 1,
  topic: 'contacts.released.v1',
  payload: ContactReleasedV1,
  key: (release) => release.caseId,
  subject: (release) => release.assignmentId,
  topicPolicy: { retentionMs: 60 * 60_000, segmentMs: 10 * 60_000 },
});
