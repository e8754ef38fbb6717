import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SmsAddressHashes, smsAddressHashes } from '../dispatch/address-hash';
import { DispatchStore } from '../dispatch/dispatch-store';
import { recordSmsConsent } from '../dispatch/sms-opt-outs';
import { InboundSmsSettings, SmsHashKeys } from '../notification.settings';
import { EncounterLinks } from '../encounters/encounter-links';
import { OfferLinks } from '../offers/offer-links';
import { OfferOpenToSms, OfferStore } from '../offers/offer-store';
import { InboundSmsMessages } from './inbound-sms-messages';
import { RespondToOffer } from './respond-to-offer.usecase';
import { parseSmsReply, SmsReply } from './sms-reply';

export const SMS_HELP_TEXT = 'Harbor peer support: reply YES <code> to accept or NO <code> to pass, as shown in the page. Reply STOP to stop texts.';

/** An inbound SMS whose webhook was verified and whose time of writing Twilio confirmed. */
export interface InboundSms {
  messageSid: string;
  from: string;
  body: string;
  /** When Twilio received it: an answer binds only to offers paged before this. */
  writtenAt: Date;
}

export type SmsReplyOutcome = { replayed: true } | { replayed: false; reply?: string };

/** Message ids are remembered this much longer than NOTIFY_SMS_REPLY_MAX_AGE_SECONDS (clock differences). */
const SEEN_MARGIN_SECONDS = 3600;
const PURGE_INTERVAL_MS = 60_000;

/**
 * Turns an inbound SMS into an answer, once per message id (stored, so every replica refuses a replay). The
 * sender's number is matched to open offers through its keyed digest, and only to offers whose page had been
 * sent before the message was written: a YES can never accept an offer made after it. A code picks the offer;
 * a bare YES/NO works only when exactly one such offer is open. STOP/START apply in the order they were written.
 */
@Injectable()
export class HandleSmsReply {
  private lastPurge = 0;

  constructor(
    private readonly respondToOffer: RespondToOffer,
    private readonly links: OfferLinks,
    private readonly offers: OfferStore,
    private readonly dispatches: DispatchStore,
    private readonly messages: InboundSmsMessages,
    private readonly smsHashKeys: SmsHashKeys,
    private readonly settings: InboundSmsSettings,
    private readonly encounters: EncounterLinks,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute(message: InboundSms): Promise<SmsReplyOutcome> {
    await this.forgetOldMessages();
    const hashes = smsAddressHashes(this.smsHashKeys, message.from);
    const reply = parseSmsReply(message.body);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.messages.firstSight(manager, message.messageSid, message.writtenAt))) return { replayed: true };
      return { replayed: false, reply: await this.apply(manager, reply, hashes, message.writtenAt) };
    });
  }

  private async apply(manager: EntityManager, reply: SmsReply, hashes: SmsAddressHashes, writtenAt: Date): Promise<string | undefined> {
    switch (reply.command) {
      case 'help':
        return SMS_HELP_TEXT;
      case 'stop':
        // No reply: the carrier and Twilio confirm opt-outs themselves.
        await recordSmsConsent(manager, hashes, true, writtenAt);
        return undefined;
      case 'start':
        return (await recordSmsConsent(manager, hashes, false, writtenAt)) ? 'Harbor: texts are on again.' : undefined;
      case 'unknown':
        return `Harbor: sorry, we did not understand. ${SMS_HELP_TEXT}`;
    }
    const open = await this.openOffersPagedBefore(manager, hashes, writtenAt);
    let offer: OfferOpenToSms | undefined;
    if (reply.code) {
      offer = open.find((candidate) => candidate.replyCode === reply.code);
      if (!offer) return 'Harbor: that code does not match an open request. It may have been answered or closed.';
    } else if (open.length === 1) {
      offer = open[0];
    } else if (open.length === 0) {
      return 'Harbor: there is no open request for you right now.';
    } else {
      return `Harbor: you have ${open.length} open requests. Reply YES or NO followed by the code from the page (${open.map((row) => row.replyCode).join(', ')}).`;
    }
    const outcome = await this.respondToOffer.executeIn(manager, offer.assignmentId, reply.command === 'yes' ? 'accepted' : 'declined', 'sms');
    if (!outcome.ok) return 'Harbor: that request has already been answered or closed.';
    if (outcome.claim) {
      const link = this.links.claimLink(offer.assignmentId, outcome.claim.respondBy, outcome.claim.nonce);
      return `Harbor: thank you for accepting. Open this link to see how to reach your colleague; it works on one device only: ${link} `
        + `Conversation guide and record, on any device: ${this.encounters.link(offer.assignmentId)}`;
    }
    return 'Harbor: thank you. We will ask someone else.';
  }

  /** The number's open offers whose page had been sent when the message was written, oldest first. */
  private async openOffersPagedBefore(manager: EntityManager, hashes: SmsAddressHashes, writtenAt: Date): Promise<OfferOpenToSms[]> {
    const open = await this.offers.openForSms(manager, hashes);
    const paged = await this.dispatches.offerPagesSentBy(manager, open.map((offer) => offer.assignmentId), writtenAt);
    return open.filter((offer) => paged.has(offer.assignmentId));
  }

  /** A message older than the reply window is refused on its age, so its id need not be remembered after that. */
  private async forgetOldMessages(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    await this.messages.forgetOlderThan(this.settings.maxAgeSeconds + SEEN_MARGIN_SECONDS);
  }
}
