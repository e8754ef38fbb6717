import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { TwilioAccount } from '../notification.settings';

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

  constructor(account: TwilioAccount) {
    if (!account.accountSid || !account.authToken) return;
    const base = account.baseUrl.replace(/\/$/, '');
    const timeout = account.timeoutMs;
    class RebasedRequestClient extends twilio.RequestClient {
      override request<TData>(opts: RequestClient.RequestOptions<TData>) {
        const uri = opts.uri.startsWith(TWILIO_ORIGIN) ? `${base}${opts.uri.slice(TWILIO_ORIGIN.length)}` : opts.uri;
        return super.request({ ...opts, uri, timeout });
      }
    }
    const httpClient = new RebasedRequestClient({ timeout });
    this.client = twilio(account.accountSid, account.authToken, { httpClient, accountSid: account.accountSid });
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
