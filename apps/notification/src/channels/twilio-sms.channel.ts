import { ChannelFailedError, PageChannel, PageReceipt, PageRequest } from './page-channel';

export interface TwilioSettings {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
  timeoutMs: number;
}

/**
 * SMS through Twilio's Messaging REST contract (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
 * form-encoded, HTTP Basic). The base URL is configurable so tests and air-gapped sites can point it
 * at a compatible server.
 */
export class TwilioSmsChannel implements PageChannel {
  readonly kind = 'sms' as const;

  constructor(private readonly settings: TwilioSettings) {}

  async send(request: PageRequest): Promise<PageReceipt> {
    const { baseUrl, accountSid, authToken, fromNumber, timeoutMs } = this.settings;
    const url = `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          // Twilio ignores unknown headers; compatible relays may use it to drop a retried duplicate.
          'i-twilio-idempotency-token': request.idempotencyKey,
        },
        body: new URLSearchParams({ To: request.address, From: fromNumber, Body: request.text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ChannelFailedError('sms', `request failed (${(error as Error).name})`);
    }
    if (!response.ok) {
      throw new ChannelFailedError('sms', `provider answered ${response.status}`, response.status >= 500 || response.status === 429);
    }
    const body = (await response.json().catch(() => ({}))) as { sid?: string };
    return { providerRef: body.sid };
  }
}
