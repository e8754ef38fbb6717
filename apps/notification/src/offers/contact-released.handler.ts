import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { ContactReleased, ContactReleasedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { LOGGER, SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';

/**
 * Keeps the clinician's name and contact for the accepted link page, only for an offer this service saw
 * accepted, and only until NOTIFY_CONTACT_RETENTION_HOURS pass or the assignment closes.
 */
@Injectable()
export class ContactReleasedHandler implements EventHandler<ContactReleasedV1> {
  readonly definition = ContactReleased;
  constructor(
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(event: InboundEvent<ContactReleasedV1>, manager: EntityManager): Promise<void> {
    const { assignmentId, clinician } = event.payload;
    const stored: unknown[] = await manager.query(
      `INSERT INTO "notification"."released_contacts" ("assignment_id", "display_name", "phone", "email", "delete_after")
       SELECT "assignment_id", $2, $3, $4, now() + make_interval(hours => $5) FROM "notification"."offers"
       WHERE "assignment_id" = $1 AND "status" = 'accepted'
       ON CONFLICT ("assignment_id") DO UPDATE SET "display_name" = $2, "phone" = $3, "email" = $4
       RETURNING 1`,
      [assignmentId, clinician.displayName, clinician.phone ?? null, clinician.email ?? null, this.env.NOTIFY_CONTACT_RETENTION_HOURS],
    );
    if (stored.length === 0) this.logger.warn({ assignmentId }, 'contact released for an offer not accepted here; not stored');
  }
}
