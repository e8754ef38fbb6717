import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentOfferedV1 } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { smsAddressHash } from '../dispatch/address-hash';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { NotificationEnv } from '../notification.env';
import { OfferLinks } from './offer-links';
import { newReplyCode, renderPage } from './page-content';
import { PageTemplates, parseTemplates, templateFor } from './page-templates';

/**
 * Records an offer and queues its page, in the consumer's transaction; the dispatcher sends it after the
 * commit. The offer row is keyed by assignment id, so a redelivered offer pages nobody a second time.
 */
@Injectable()
export class PageSupporter {
  private readonly templates: PageTemplates;

  constructor(
    private readonly dispatches: DispatchQueue,
    private readonly links: OfferLinks,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {
    this.templates = parseTemplates(env.NOTIFY_TEMPLATES);
  }

  async execute(manager: EntityManager, offer: AssignmentOfferedV1): Promise<void> {
    const replyCode = await this.uniqueReplyCode(manager, offer.supporterId);
    const sms = offer.channels.find((channel) => channel.kind === 'sms' && channel.address);
    const created: unknown[] = await manager.query(
      `INSERT INTO "notification"."offers" ("assignment_id", "case_id", "supporter_id", "attempt", "reply_code", "respond_by", "sms_address_hash", "program_id")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ("assignment_id") DO NOTHING RETURNING 1`,
      [offer.assignmentId, offer.caseId, offer.supporterId, offer.attempt, replyCode, offer.respondBy,
        sms ? smsAddressHash(this.env.NOTIFY_SMS_HASH_KEY, sms.address) : null, offer.programId ?? 'default'],
    );
    if (created.length === 0) return;

    const link = this.links.pageLink(offer.assignmentId, offer.respondBy);
    const text = renderPage(templateFor(this.templates, offer.programId, offer.language), { replyCode, link });
    await this.dispatches.enqueue(manager, {
      kind: 'offer-page', refId: offer.assignmentId, caseId: offer.caseId, recipientId: offer.supporterId, channels: offer.channels, text,
    });
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
}
