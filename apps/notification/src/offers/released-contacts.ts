import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { openReleasedContact, PermanentMessageError, ReleasedContactV1, sealReleasedContact } from '@harbor/contracts';
import { SealedBoxError } from '@harbor/crypto';
import { LOGGER } from '@harbor/service-runtime';
import { ReleasedContactSettings } from '../notification.settings';
import { OfferStore } from './offer-store';

/** A released contact that cannot be opened with CONTACT_ENCRYPTION_KEYS: retrying will not help, so it is dead-lettered. */
export class UnreadableContactError extends PermanentMessageError {}

/**
 * The clinician's contact for the accepted link page, kept sealed (CONTACT_ENCRYPTION_KEYS) and opened only
 * to render that page for the browser bound to the offer. Stored only for an offer accepted here (OfferStore
 * says which), deleted when the assignment closes or NOTIFY_CONTACT_RETENTION_HOURS after arrival. The one
 * owner of `"notification"."released_contacts"`.
 */
@Injectable()
export class ReleasedContacts {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly offers: OfferStore,
    private readonly settings: ReleasedContactSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Stores a sealed contact after checking it opens (so a key missing here is found now, not by the supporter). */
  async store(manager: EntityManager, assignmentId: string, sealedContact: string): Promise<boolean> {
    this.open(assignmentId, sealedContact);
    if (!(await this.offers.isAccepted(manager, assignmentId))) {
      this.logger.warn({ assignmentId }, 'contact released for an offer not accepted here; not stored');
      return false;
    }
    await manager.query(
      `INSERT INTO "notification"."released_contacts" ("assignment_id", "sealed_contact", "delete_after")
       VALUES ($1, $2, now() + make_interval(hours => $3))
       ON CONFLICT ("assignment_id") DO UPDATE SET "sealed_contact" = $2`,
      [assignmentId, sealedContact, this.settings.retentionHours],
    );
    return true;
  }

  /** Deletes contacts past their retention (the dispatcher calls this now and then, on every replica). */
  async purgeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM "notification"."released_contacts" WHERE "delete_after" < now()`);
  }

  /** Deletes the contact when its assignment closes. */
  async forget(manager: EntityManager, assignmentId: string): Promise<void> {
    await manager.query(`DELETE FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [assignmentId]);
  }

  /** Seals a contact that arrived in clear (contacts.released.v1, from before the upgrade). */
  seal(assignmentId: string, contact: ReleasedContactV1): string {
    return sealReleasedContact(this.settings.keys, assignmentId, contact);
  }

  /** The contact for the accepted page, or undefined while it has not arrived (or was deleted). */
  async openFor(assignmentId: string): Promise<ReleasedContactV1 | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT "sealed_contact" FROM "notification"."released_contacts" WHERE "assignment_id" = $1 AND "delete_after" > now()`,
      [assignmentId],
    );
    if (!row) return undefined;
    try {
      return this.open(assignmentId, row.sealed_contact);
    } catch (error) {
      // E.g. its key was removed from the ring too early: the page says the details are not available.
      this.logger.error({ assignmentId, err: (error as Error).message }, 'released contact cannot be opened');
      return undefined;
    }
  }

  private open(assignmentId: string, sealedContact: string): ReleasedContactV1 {
    try {
      return openReleasedContact(this.settings.keys, assignmentId, sealedContact);
    } catch (error) {
      if (error instanceof PermanentMessageError) throw error;
      const reason = error instanceof SealedBoxError ? error.message : 'sealed content is not JSON';
      throw new UnreadableContactError(`released contact cannot be opened: ${reason}`);
    }
  }
}
