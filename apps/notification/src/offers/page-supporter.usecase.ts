import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentOfferedV1 } from '@harbor/contracts';
import { smsAddressHash } from '../dispatch/address-hash';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { OfferPageTemplates, SmsHashKeys } from '../notification.settings';
import { OfferLinks } from './offer-links';
import { OfferStore } from './offer-store';
import { newReplyCode, renderPage } from './page-content';
import { templateFor } from './page-templates';

/**
 * Records an offer and queues its page, in the consumer's transaction; the dispatcher sends it after the
 * commit. The offer row is keyed by assignment id, so a redelivered offer pages nobody a second time.
 */
@Injectable()
export class PageSupporter {
  constructor(
    private readonly offers: OfferStore,
    private readonly dispatches: DispatchQueue,
    private readonly links: OfferLinks,
    private readonly pageTemplates: OfferPageTemplates,
    private readonly smsHashKeys: SmsHashKeys,
  ) {}

  async execute(manager: EntityManager, offer: AssignmentOfferedV1): Promise<void> {
    const replyCode = await this.uniqueReplyCode(manager, offer.supporterId);
    const sms = offer.channels.find((channel) => channel.kind === 'sms' && channel.address);
    const created = await this.offers.create(manager, {
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId, attempt: offer.attempt, replyCode,
      respondBy: offer.respondBy, smsAddressHash: sms ? smsAddressHash(this.smsHashKeys.key, sms.address) : null, programId: offer.programId ?? 'default',
    });
    if (!created) return;

    const link = this.links.pageLink(offer.assignmentId, offer.respondBy);
    const text = renderPage(templateFor(this.pageTemplates.templates, offer.programId, offer.language), { replyCode, link });
    await this.dispatches.enqueue(manager, {
      kind: 'offer-page', refId: offer.assignmentId, caseId: offer.caseId, recipientId: offer.supporterId, channels: offer.channels, text,
    });
  }

  private async uniqueReplyCode(manager: EntityManager, supporterId: string): Promise<string> {
    const taken = new Set(await this.offers.openReplyCodes(manager, supporterId));
    let code = newReplyCode();
    while (taken.has(code)) code = newReplyCode();
    return code;
  }
}
