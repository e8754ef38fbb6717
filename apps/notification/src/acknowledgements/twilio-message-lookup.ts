import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';

/** What Twilio recorded about a message: who sent it, to which account, and when it was received. */
export interface TwilioMessageRecord {
  sid: string;
  accountSid: string;
  from: string;
  direction: string;
  dateCreated: Date;
}

const TWILIO_ORIGIN = 'https://api.twilio.com';

/**
 * Looks an inbound message up in Twilio's Messages resource (official SDK, `messages(sid).fetch()`), pointed at
 * TWILIO_BASE_URL like the SMS channel. A webhook carries no time of its own; Twilio's record of the message does.
 */
@Injectable()
export class TwilioMessageLookup {
  private readonly client?: twilio.Twilio;

  constructor(@Inject(SERVICE_ENV) env: NotificationEnv) {
    if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return;
    const base = env.TWILIO_BASE_URL.replace(/\/$/, '');
    const timeout = env.NOTIFY_PROVIDER_TIMEOUT_MS;
    class RebasedRequestClient extends twilio.RequestClient {
      override request<TData>(opts: RequestClient.RequestOptions<TData>) {
        const uri = opts.uri.startsWith(TWILIO_ORIGIN) ? `${base}${opts.uri.slice(TWILIO_ORIGIN.length)}` : opts.uri;
        return super.request({ ...opts, uri, timeout });
      }
    }
    const httpClient = new RebasedRequestClient({ timeout });
    this.client = twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, { httpClient, accountSid: env.TWILIO_ACCOUNT_SID });
  }

  /** Inbound SMS can be checked only with the account's credentials (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN). */
  get configured(): boolean {
    return this.client !== undefined;
  }

  /** The message, or undefined when Twilio has no such message in this account; throws when Twilio cannot be asked. */
  async find(messageSid: string): Promise<TwilioMessageRecord | undefined> {
    if (!this.client) throw new Error('Twilio is not configured');
    try {
      const message = await this.client.messages(messageSid).fetch();
      return { sid: message.sid, accountSid: message.accountSid, from: message.from, direction: message.direction, dateCreated: message.dateCreated };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }
}
