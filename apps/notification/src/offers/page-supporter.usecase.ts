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

/** Reply codes drawn for one offer before giving up (each a one-in-9,000 chance per open offer of being taken). */
const MAX_REPLY_CODE_DRAWS = 50;

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
    const replyCode = await this.record(manager, offer);
    if (!replyCode) return;

    const link = this.links.pageLink(offer.assignmentId, offer.respondBy);
    const text = renderPage(templateFor(this.pageTemplates.templates, offer.programId, offer.language), { replyCode, link });
    // The offer was created just now, in this transaction: its page cannot be queued yet.
    await this.dispatches.enqueueNew(manager, {
      kind: 'offer-page', refId: offer.assignmentId, caseId: offer.caseId, recipientId: offer.supporterId, channels: offer.channels, text,
    });
  }

  /**
   * Records the offer with a reply code none of the supporter's open offers has (the insert checks, so the common case
   * is one statement; a taken code, about one in 9,000 per open offer, is drawn again). Returns the code, or undefined
   * when the offer was already recorded (a redelivered event).
   */
  private async record(manager: EntityManager, offer: AssignmentOfferedV1): Promise<string | undefined> {
    const sms = offer.channels.find((channel) => channel.kind === 'sms' && channel.address);
    const smsHash = sms ? smsAddressHash(this.smsHashKeys.key, sms.address) : null;
    for (let draw = 1; draw <= MAX_REPLY_CODE_DRAWS; draw++) {
      const replyCode = newReplyCode();
      const outcome = await this.offers.create(manager, {
        assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId, attempt: offer.attempt, replyCode,
        respondBy: offer.respondBy, smsAddressHash: smsHash, programId: offer.programId ?? 'default',
      });
      if (outcome === 'created') return replyCode;
      if (outcome === 'exists') return undefined;
    }
    // Thousands of open offers for one supporter: retried (a transient error), dead-lettered past the retry budget.
    throw new Error(`no free reply code for the supporter after ${MAX_REPLY_CODE_DRAWS} draws`);
  }
}
