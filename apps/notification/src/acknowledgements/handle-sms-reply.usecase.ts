import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { SmsAddressHashes, smsAddressHashes } from '../dispatch/address-hash';
import { recordSmsConsent } from '../dispatch/sms-opt-outs';
import { NotificationEnv } from '../notification.env';
import { EncounterLinks } from '../encounters/encounter-links';
import { OfferLinks } from '../offers/offer-links';
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
    private readonly encounters: EncounterLinks,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  async execute(message: InboundSms): Promise<SmsReplyOutcome> {
    await this.forgetOldMessages();
    const hashes = smsAddressHashes(this.env, message.from);
    const reply = parseSmsReply(message.body);
    return this.dataSource.transaction(async (manager) => {
      const first: unknown[] = await manager.query(
        `INSERT INTO "notification"."inbound_sms_messages" ("message_sid", "written_at") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [message.messageSid, message.writtenAt],
      );
      if (first.length === 0) return { replayed: true };
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
    const open: { assignment_id: string; reply_code: string }[] = await manager.query(
      `SELECT o."assignment_id", o."reply_code" FROM "notification"."offers" o
       WHERE (o."sms_address_hash" = $1 OR (o."sms_hash_legacy" AND o."sms_address_hash" = $2)) AND o."status" = 'open'
         AND EXISTS (SELECT 1 FROM "notification"."dispatches" d
                     WHERE d."kind" = 'offer-page' AND d."ref_id" = o."assignment_id" AND d."status" = 'sent'
                       AND date_trunc('second', d."finished_at") <= $3)
       ORDER BY o."created_at"`,
      [hashes.current, hashes.legacy, writtenAt],
    );
    let offer: { assignment_id: string } | undefined;
    if (reply.code) {
      offer = open.find((candidate) => candidate.reply_code === reply.code);
      if (!offer) return 'Harbor: that code does not match an open request. It may have been answered or closed.';
    } else if (open.length === 1) {
      offer = open[0];
    } else if (open.length === 0) {
      return 'Harbor: there is no open request for you right now.';
    } else {
      return `Harbor: you have ${open.length} open requests. Reply YES or NO followed by the code from the page (${open.map((row) => row.reply_code).join(', ')}).`;
    }
    const outcome = await this.respondToOffer.executeIn(manager, offer.assignment_id, reply.command === 'yes' ? 'accepted' : 'declined', 'sms');
    if (!outcome.ok) return 'Harbor: that request has already been answered or closed.';
    if (outcome.claim) {
      const link = this.links.claimLink(offer.assignment_id, outcome.claim.respondBy, outcome.claim.nonce);
      return `Harbor: thank you for accepting. Open this link to see how to reach your colleague; it works on one device only: ${link} `
        + `Conversation guide and record, on any device: ${this.encounters.link(offer.assignment_id)}`;
    }
    return 'Harbor: thank you. We will ask someone else.';
  }

  /** A message older than the reply window is refused on its age, so its id need not be remembered after that. */
  private async forgetOldMessages(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    await this.dataSource.query(
      `DELETE FROM "notification"."inbound_sms_messages" WHERE "received_at" < now() - make_interval(secs => $1)`,
      [this.env.NOTIFY_SMS_REPLY_MAX_AGE_SECONDS + SEEN_MARGIN_SECONDS],
    );
  }
}
