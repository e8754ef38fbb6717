import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { smsAddressHash } from '../dispatch/address-hash';
import { NotificationEnv } from '../notification.env';
import { RespondToOffer } from './respond-to-offer.usecase';
import { parseSmsReply } from './sms-reply';

export const SMS_HELP_TEXT = 'Harbor peer support: reply YES <code> to accept or NO <code> to pass, as shown in the page. Reply STOP to stop texts.';

/**
 * Turns an inbound SMS into an answer. The sender's number is matched to open offers through its keyed
 * digest. A code picks the offer; a bare YES/NO works only when exactly one offer is open for that number.
 * Returns the text to reply with, or undefined for no reply (STOP: the carrier/Twilio confirms opt-outs).
 */
@Injectable()
export class HandleSmsReply {
  constructor(
    private readonly respondToOffer: RespondToOffer,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  async execute(from: string, body: string): Promise<string | undefined> {
    const addressHash = smsAddressHash(this.env.NOTIFY_LINK_SECRET, from);
    const reply = parseSmsReply(body);
    switch (reply.command) {
      case 'help':
        return SMS_HELP_TEXT;
      case 'stop':
        await this.dataSource.query(`INSERT INTO "notification"."sms_opt_outs" ("address_hash") VALUES ($1) ON CONFLICT DO NOTHING`, [addressHash]);
        return undefined;
      case 'start':
        await this.dataSource.query(`DELETE FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1`, [addressHash]);
        return 'Harbor: texts are on again.';
      case 'unknown':
        return `Harbor: sorry, we did not understand. ${SMS_HELP_TEXT}`;
    }
    const open: { assignment_id: string; reply_code: string }[] = await this.dataSource.query(
      `SELECT "assignment_id", "reply_code" FROM "notification"."offers" WHERE "sms_address_hash" = $1 AND "status" = 'open' ORDER BY "created_at"`,
      [addressHash],
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
    const outcome = await this.respondToOffer.execute(offer.assignment_id, reply.command === 'yes' ? 'accepted' : 'declined', 'sms');
    if (!outcome.ok) return 'Harbor: that request has already been answered or closed.';
    return outcome.response === 'accepted'
      ? 'Harbor: thank you for accepting. Open the link in the page to see how to reach your colleague.'
      : 'Harbor: thank you. We will ask someone else.';
  }
}
