import { plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength, validateSync } from 'class-validator';
import { KeyRing, open, seal, SEALED_VALUE } from '@harbor/crypto';
import { ReleasedContactV1 } from './contact-released.v1';
import { describeFieldProblems } from '@harbor/input';
import { defineEvent, versionedType } from '../definition/event-definition';
import { EventValidationError } from '../definition/contract-errors';

/**
 * Sent only after a supporter accepted: the clinician's name and how to reach them, for the accepted link
 * page, sealed by matching for notification (AES-256-GCM under CONTACT_ENCRYPTION_KEYS, bound to the
 * assignment). Kafka, the outbox and notification's tables only ever hold the sealed form.
 */
export class ContactReleasedV2 {
  @IsUUID()
  assignmentId: string;

  @IsUUID()
  caseId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  supporterId: string;

  /** A ReleasedContactV1 as JSON, sealed (`<key id>.<iv>.<ciphertext>.<tag>`); see sealReleasedContact. */
  @IsString()
  @MaxLength(4096)
  @Matches(SEALED_VALUE, { message: 'sealedContact must be a sealed value (<key id>.<iv>.<ciphertext>.<tag>)' })
  sealedContact: string;
}

export const ContactReleased = defineEvent({
  type: 'org.harbor.contact.released',
  version: 2,
  topic: 'contacts.released.v2',
  payload: ContactReleasedV2,
  key: (release) => release.caseId,
  subject: (release) => release.assignmentId,
  // Sealed, but still personal data: a day covers a notification outage; the outbox row goes once published.
  topicPolicy: { retentionMs: 24 * 3_600_000, segmentMs: 3_600_000 },
  purgeOnPublish: true,
});

/** The sealed value opens only for the assignment it was released for. */
const sealContext = (assignmentId: string) => `${versionedType(ContactReleased)}:${assignmentId}`;

export function sealReleasedContact(ring: KeyRing, assignmentId: string, contact: ReleasedContactV1): string {
  const { displayName, phone, email } = contact;
  return seal(ring, JSON.stringify({ displayName, phone, email }), sealContext(assignmentId));
}

/**
 * Opens and validates a released contact. Throws SealedBoxError when the key is not in the ring or the value
 * was altered or moved to another assignment, EventValidationError when the sealed content is not a contact.
 */
export function openReleasedContact(ring: KeyRing, assignmentId: string, sealed: string): ReleasedContactV1 {
  const text = open(ring, sealed, sealContext(assignmentId));
  const contact = plainToInstance(ReleasedContactV1, JSON.parse(text) as object);
  const errors = validateSync(contact, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new EventValidationError(`${versionedType(ContactReleased)} sealedContact`, describeFieldProblems(errors));
  return contact;
}
