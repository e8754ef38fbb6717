import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { httpFailure, transportFailure } from './http-failure';
import { ChannelFailedError, PageChannel, PageReceipt, PageRequest, UnconfirmedSend } from './page-channel';

export interface TwilioSettings {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
  timeoutMs: number;
  /** Where Twilio should POST delivery receipts; undefined sends none. */
  statusCallbackUrl?: string;
}

const TWILIO_ORIGIN = 'https://api.twilio.com';
/** Messages created this much before Harbor's record of the send still count (clocks differ a little). */
const LOOKUP_CLOCK_SKEW_MS = 60_000;
/** One page of the recipient's most recent messages from our number is plenty: a supporter gets few pages. */
const LOOKUP_PAGE_SIZE = 50;
/** The idempotency key of the send in progress, read by the HTTP client below the SDK. */
const currentIdempotencyKey = new AsyncLocalStorage<string>();

/**
 * The SDK's own HTTP client with two changes: requests go to the configured base URL instead of
 * api.twilio.com (tests, air-gapped relays), and a non-2xx answer is turned into a ChannelFailedError that
 * keeps Retry-After (the SDK's RestException drops response headers). The idempotency header rides along.
 */
function rebasedClient(baseUrl: string, timeoutMs: number): RequestClient {
  const base = baseUrl.replace(/\/$/, '');
  class RebasedRequestClient extends twilio.RequestClient {
    override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const uri = opts.uri.startsWith(TWILIO_ORIGIN) ? `${base}${opts.uri.slice(TWILIO_ORIGIN.length)}` : opts.uri;
      let response;
      try {
        const key = currentIdempotencyKey.getStore();
        const headers = key ? { ...opts.headers, 'I-Twilio-Idempotency-Token': key } : opts.headers;
        response = await super.request({ ...opts, uri, headers, timeout: timeoutMs });
      } catch (error) {
        throw transportFailure('sms', error);
      }
      if (response.statusCode >= 300) throw httpFailure('sms', response.statusCode, response.headers?.['retry-after']);
      return response;
    }
  }
  return new RebasedRequestClient({ timeout: timeoutMs, keepAlive: true });
}

/**
 * SMS through Twilio Programmable Messaging with the official SDK (`messages.create`). See
 * docs/notification.md for why the SDK is pointed at TWILIO_BASE_URL through its httpClient option.
 */
export class TwilioSmsChannel implements PageChannel {
  readonly kind = 'sms' as const;
  private readonly client: twilio.Twilio;

  constructor(private readonly settings: TwilioSettings) {
    const httpClient = rebasedClient(settings.baseUrl, settings.timeoutMs);
    this.client = twilio(settings.accountSid, settings.authToken, { httpClient, accountSid: settings.accountSid });
  }

  async send(request: PageRequest): Promise<PageReceipt> {
    if (!request.address) throw new ChannelFailedError('sms', 'no-address', false);
    try {
      const message = await currentIdempotencyKey.run(request.idempotencyKey, () => this.client.messages.create({
        to: request.address,
        from: this.settings.fromNumber,
        body: request.text,
        ...(this.settings.statusCallbackUrl ? { statusCallback: this.settings.statusCallbackUrl } : {}),
      }));
      return { providerRef: message.sid };
    } catch (error) {
      throw sdkFailure(error);
    }
  }

  /**
   * Looks an unconfirmed send up in the Messages list before sending again: messages to the recipient from
   * our number (filtered by Twilio), created since the send was recorded and carrying the same text (which
   * holds the page's reply code and link), newest first. Time is matched on `date_created` here rather than
   * with the list's `DateSent` filter: Twilio leaves `date_sent` empty while a message waits in its queue
   * (under rate limits, for instance), and such a message must be found too.
   */
  async lookup({ request, since }: UnconfirmedSend): Promise<string[]> {
    try {
      const page = await this.client.messages.page({ to: request.address, from: this.settings.fromNumber, pageSize: LOOKUP_PAGE_SIZE });
      const earliest = since.getTime() - LOOKUP_CLOCK_SKEW_MS;
      return page.instances
        // endsWith: trial accounts put a prefix in front of the body.
        .filter((message) => typeof message.body === 'string' && message.body.endsWith(request.text) && message.dateCreated?.getTime() >= earliest)
        .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())
        .map((message) => message.sid);
    } catch (error) {
      throw sdkFailure(error);
    }
  }
}

function sdkFailure(error: unknown): ChannelFailedError {
  if (error instanceof ChannelFailedError) return error;
  return new ChannelFailedError('sms', `sdk-${(error as Error).name}`.slice(0, 60), false);
}
