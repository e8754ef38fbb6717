import { Controller, ForbiddenException, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'pino';
import twilio from 'twilio';
import { PublicRoute } from '@harbor/auth';
import { InvalidRequestException, LOGGER, ProblemException } from '@harbor/service-runtime';
import { InboundSmsSettings } from '../notification.settings';
import { HandleSmsReply } from './handle-sms-reply.usecase';
import { checkInboundSms } from './inbound-sms-check';
import { TwilioMessageLookup } from './twilio-message-lookup';
import { DeliveryReceipts } from '../dispatch/delivery-receipts';

const RECEIPT_STATUSES = new Set(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'accepted', 'scheduled', 'canceled']);
const MESSAGE_SID = /^[A-Za-z]{2}[A-Za-z0-9]{1,62}$/;

/** A form field given once (a repeated field arrives as an array and counts as missing). */
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const INBOUND_REFUSALS = {
  'unknown-message': 'Twilio has no inbound message with this MessageSid in this account',
  'not-inbound': 'the MessageSid is not an inbound message',
  'sender-mismatch': 'the MessageSid was sent from another number or account',
  'too-old': 'the message was written longer ago than NOTIFY_SMS_REPLY_MAX_AGE_SECONDS; send a new reply',
} as const;

/**
 * Twilio's webhooks: inbound SMS replies and delivery receipts. Each request must carry a valid
 * X-Twilio-Signature over <NOTIFY_PUBLIC_BASE_URL><path> and the form fields, made with TWILIO_AUTH_TOKEN;
 * anything else is refused with 403 before any state is touched. An inbound SMS must also be a recent
 * message in Twilio's records and is applied once per MessageSid (docs/notification.md, "Replayed webhooks").
 */
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly handleSmsReply: HandleSmsReply,
    private readonly messages: TwilioMessageLookup,
    private readonly receipts: DeliveryReceipts,
    private readonly settings: InboundSmsSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('sms')
  @PublicRoute('Twilio inbound SMS webhook: authenticated by X-Twilio-Signature')
  async inbound(@Req() request: Request, @Res() response: Response) {
    const form = this.verified(request);
    const from = text(form.From);
    const messageSid = text(form.MessageSid) ?? text(form.SmsSid);
    if (!from) throw new InvalidRequestException([{ field: 'From', message: 'From is required' }]);
    if (!messageSid || !MESSAGE_SID.test(messageSid)) throw new InvalidRequestException([{ field: 'MessageSid', message: 'MessageSid is required' }]);
    if (!this.messages.configured) throw new ForbiddenException('SMS replies are refused while TWILIO_ACCOUNT_SID is unset (they cannot be checked with Twilio)');
    let record;
    try {
      record = await this.messages.find(messageSid);
    } catch (error) {
      // Nothing is recorded, so the same message can be sent again; the supporter is told so.
      this.logger.warn({ err: (error as Error).name }, 'inbound SMS could not be checked with Twilio');
      return this.twiml(response, 'Harbor: we could not read your reply just now. Please send it again in a minute.');
    }
    const check = checkInboundSms({ from, accountSid: text(form.AccountSid) }, record, new Date(), this.settings.maxAgeSeconds);
    if (!check.ok) throw new InvalidRequestException([{ field: 'MessageSid', message: INBOUND_REFUSALS[check.reason] }], 422, 'The message cannot be used');
    const outcome = await this.handleSmsReply.execute({ messageSid, from, body: text(form.Body) ?? '', writtenAt: check.writtenAt });
    if (outcome.replayed) throw new ProblemException(409, 'This message was already processed', 'Each inbound message (MessageSid) is applied once; nothing was changed.');
    return this.twiml(response, outcome.reply);
  }

  /** Delivery receipts are recorded only; "delivered" never counts as an acknowledgement. */
  @Post('status')
  @HttpCode(204)
  @PublicRoute('Twilio message status callback: authenticated by X-Twilio-Signature')
  async status(@Req() request: Request): Promise<void> {
    const form = this.verified(request);
    const sid = form.MessageSid ?? form.SmsSid;
    const status = form.MessageStatus ?? form.SmsStatus;
    if (!sid || !/^[A-Za-z0-9]{1,64}$/.test(sid)) throw new InvalidRequestException([{ field: 'MessageSid', message: 'MessageSid is required' }]);
    if (!status || !RECEIPT_STATUSES.has(status)) throw new InvalidRequestException([{ field: 'MessageStatus', message: 'MessageStatus is not a Twilio message status' }]);
    const errorCode = form.ErrorCode && /^\d{1,6}$/.test(form.ErrorCode) ? form.ErrorCode : null;
    await this.receipts.record(sid, 'sms', status, errorCode);
  }

  private twiml(response: Response, reply: string | undefined) {
    const twiml = new twilio.twiml.MessagingResponse();
    if (reply) twiml.message(reply);
    response.status(200).type('text/xml').send(twiml.toString());
  }

  private verified(request: Request): Record<string, string> {
    const signature = request.headers['x-twilio-signature'];
    const form = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, string>;
    const url = `${this.settings.publicBaseUrl}${request.originalUrl}`;
    const token = this.settings.authToken;
    if (!token || typeof signature !== 'string' || !twilio.validateRequest(token, signature, url, form)) {
      throw new ForbiddenException('X-Twilio-Signature is missing or does not match');
    }
    return form;
  }
}
