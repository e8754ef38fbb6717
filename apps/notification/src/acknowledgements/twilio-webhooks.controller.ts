import { Controller, ForbiddenException, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import twilio from 'twilio';
import { DataSource } from 'typeorm';
import { PublicRoute } from '@harbor/auth';
import { InvalidRequestException, SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { HandleSmsReply } from './handle-sms-reply.usecase';

const RECEIPT_STATUSES = new Set(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'accepted', 'scheduled', 'canceled']);

/**
 * Twilio's webhooks: inbound SMS replies and delivery receipts. Each request must carry a valid
 * X-Twilio-Signature over <NOTIFY_PUBLIC_BASE_URL><path> and the form fields, made with TWILIO_AUTH_TOKEN;
 * anything else is refused with 403 before any state is touched.
 */
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly handleSmsReply: HandleSmsReply,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  @Post('sms')
  @PublicRoute('Twilio inbound SMS webhook: authenticated by X-Twilio-Signature')
  async inbound(@Req() request: Request, @Res() response: Response) {
    const form = this.verified(request);
    const from = form.From;
    if (!from) throw new InvalidRequestException([{ field: 'From', message: 'From is required' }]);
    const reply = await this.handleSmsReply.execute(from, form.Body ?? '');
    const twiml = new twilio.twiml.MessagingResponse();
    if (reply) twiml.message(reply);
    response.status(200).type('text/xml').send(twiml.toString());
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
    await this.dataSource.query(
      `INSERT INTO "notification"."delivery_receipts" ("provider_ref", "channel", "status", "error_code")
       SELECT $1, 'sms', $2, $3 WHERE EXISTS (SELECT 1 FROM "notification"."delivery_attempts" WHERE "provider_ref" = $1)`,
      [sid, status, errorCode],
    );
  }

  private verified(request: Request): Record<string, string> {
    const signature = request.headers['x-twilio-signature'];
    const form = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, string>;
    const url = `${this.env.publicBaseUrl}${request.originalUrl}`;
    const token = this.env.TWILIO_AUTH_TOKEN;
    if (!token || typeof signature !== 'string' || !twilio.validateRequest(token, signature, url, form)) {
      throw new ForbiddenException('X-Twilio-Signature is missing or does not match');
    }
    return form;
  }
}
