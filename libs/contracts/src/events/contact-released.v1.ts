import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { defineEvent } from '@harbor/messaging';

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
 * Sent only after a supporter accepted: the clinician's name and how to reach them, for the accepted
 * link page (minimum necessary). Notification keeps it until the case closes, then deletes it.
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

export const ContactReleased = defineEvent({
  type: 'org.harbor.contact.released',
  version: 1,
  topic: 'contacts.released.v1',
  payload: ContactReleasedV1,
  key: (release) => release.caseId,
  subject: (release) => release.assignmentId,
});
