import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { AssignmentOfferedV1 } from '@harbor/contracts';
import { LOGGER, SERVICE_ENV } from '@harbor/service-runtime';
import { ChannelRegistry } from '../channels/channel-registry';
import { NotificationEnv } from '../notification.env';
import { DEFAULT_PAGE_TEMPLATE, newReplyCode, renderPage } from './page-content';
import { signLink } from './signed-link';

export class AllChannelsFailedError extends Error {
  constructor(readonly failures: string[]) {
    super(`every channel failed: ${failures.join('; ')}`);
    this.name = 'AllChannelsFailedError';
  }
}

/**
 * Pages a supporter about an offer, trying their channels in preferred order. The offer row is keyed by
 * assignment id, so a redelivered offer pages nobody a second time.
 */
@Injectable()
export class PageSupporter {
  constructor(
    private readonly channels: ChannelRegistry,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(manager: EntityManager, offer: AssignmentOfferedV1): Promise<void> {
    const replyCode = await this.uniqueReplyCode(manager, offer.supporterId);
    const created: unknown[] = await manager.query(
      `INSERT INTO "notification"."offers" ("assignment_id", "case_id", "supporter_id", "attempt", "reply_code", "respond_by")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("assignment_id") DO NOTHING RETURNING 1`,
      [offer.assignmentId, offer.caseId, offer.supporterId, offer.attempt, replyCode, offer.respondBy],
    );
    if (created.length === 0) return;

    const expiresAt = new Date(new Date(offer.respondBy).getTime() + this.env.NOTIFY_LINK_GRACE_MINUTES * 60_000);
    const link = `${this.env.NOTIFY_PUBLIC_BASE_URL.replace(/\/$/, '')}/a/${signLink(this.env.NOTIFY_LINK_SECRET, offer.assignmentId, expiresAt)}`;
    const text = renderPage(DEFAULT_PAGE_TEMPLATE, { replyCode, link });
    const failures: string[] = [];
    for (const address of offer.channels) {
      const channel = this.channels.channelFor(address.kind);
      const deliveryId = randomUUID();
      try {
        const receipt = await channel.send({ address: address.address, text, idempotencyKey: `${offer.assignmentId}:${address.kind}` });
        await this.recordDelivery(manager, deliveryId, offer.assignmentId, address.kind, 'sent', receipt.providerRef ?? null, null);
        this.logger.info({ assignmentId: offer.assignmentId, channel: channel.kind }, 'page sent');
        return;
      } catch (error) {
        const reason = (error as Error).message;
        failures.push(reason);
        await this.recordDelivery(manager, deliveryId, offer.assignmentId, address.kind, 'failed', null, reason);
        this.logger.warn({ assignmentId: offer.assignmentId, channel: channel.kind, err: reason }, 'page failed; trying next channel');
      }
    }
    throw new AllChannelsFailedError(failures);
  }

  private async uniqueReplyCode(manager: EntityManager, supporterId: string): Promise<string> {
    const open: { reply_code: string }[] = await manager.query(
      `SELECT "reply_code" FROM "notification"."offers" WHERE "supporter_id" = $1 AND "status" = 'open'`,
      [supporterId],
    );
    const taken = new Set(open.map((row) => row.reply_code));
    let code = newReplyCode();
    while (taken.has(code)) code = newReplyCode();
    return code;
  }

  private async recordDelivery(
    manager: EntityManager, id: string, assignmentId: string, channel: string, status: string, providerRef: string | null, error: string | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO "notification"."deliveries" ("id", "assignment_id", "channel", "status", "provider_ref", "error")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("assignment_id", "channel") DO UPDATE SET "status" = $4, "provider_ref" = $5, "error" = $6, "attempted_at" = now()`,
      [id, assignmentId, channel, status, providerRef, error],
    );
  }
}
