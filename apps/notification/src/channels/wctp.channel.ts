import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { httpFailure, transportFailure } from './http-failure';
import { ChannelFailedError, PageChannel, PageReceipt, PageRequest } from './page-channel';

export interface WctpSettings {
  url: string;
  senderId: string;
  securityCode?: string;
  timeoutMs: number;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, processEntities: true });
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/** WCTP's messageID is at most 32 characters: a digest of the idempotency key, stable across retries. */
export function wctpMessageId(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
}

/** A WCTP 1.3 `wctp-SubmitRequest` for one alphanumeric page. Text and ids are XML-escaped by the builder. */
export function submitRequestXml(settings: Pick<WctpSettings, 'senderId' | 'securityCode'>, request: PageRequest, now = new Date()): string {
  const body = builder.build({
    'wctp-Operation': {
      '@_wctpVersion': 'wctp-dtd-v1r3',
      'wctp-SubmitRequest': {
        'wctp-SubmitHeader': {
          '@_submitTimestamp': now.toISOString().slice(0, 19),
          'wctp-Originator': { '@_senderID': settings.senderId, ...(settings.securityCode ? { '@_securityCode': settings.securityCode } : {}) },
          'wctp-MessageControl': { '@_messageID': wctpMessageId(request.idempotencyKey), '@_allowResponse': 'false', '@_notifyWhenDelivered': 'false' },
          'wctp-Recipient': { '@_recipientID': request.address },
        },
        'wctp-Payload': { 'wctp-Alphanumeric': request.text },
      },
    },
  });
  return `<?xml version="1.0"?>\n<!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/wctp-dtd-v1r3.dtd">\n${body}`;
}

export type WctpOutcome = { ok: true; code: number } | { ok: false; code: number; retryable: boolean };

/**
 * Reads a wctp-Confirmation (or wctp-Failure). WCTP error codes 500–599 are the gateway's own trouble and
 * worth a retry; 300–499 (bad originator, unknown recipient, malformed request) and 600+ are not.
 */
export function readWctpResponse(xml: string): WctpOutcome {
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return { ok: false, code: 0, retryable: true };
  }
  const operation = (document['wctp-Operation'] ?? {}) as Record<string, Record<string, Record<string, string>>>;
  const confirmation = operation['wctp-Confirmation'] ?? {};
  const failure = confirmation['wctp-Failure'] ?? (operation['wctp-Failure'] as unknown as Record<string, string> | undefined);
  const success = confirmation['wctp-Success'];
  if (success) return { ok: true, code: Number(success['@_successCode'] ?? 200) };
  const code = Number(failure?.['@_errorCode'] ?? 0);
  return { ok: false, code, retryable: code === 0 || (code >= 500 && code < 600) };
}

/** Hospital pagers through a WCTP 1.3 gateway: XML over HTTP POST. The address is the pager's recipientID. */
export class WctpPagerChannel implements PageChannel {
  readonly kind = 'pager' as const;

  constructor(private readonly settings: WctpSettings) {}

  async send(request: PageRequest): Promise<PageReceipt> {
    if (!request.address) throw new ChannelFailedError('pager', 'no-address', false);
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: submitRequestXml(this.settings, request),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw transportFailure('pager', error);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw httpFailure('pager', response.status, response.headers.get('retry-after'));
    const outcome = readWctpResponse(text);
    if (!outcome.ok) throw new ChannelFailedError('pager', `wctp-${outcome.code}`, outcome.retryable);
    return { providerRef: `wctp:${wctpMessageId(request.idempotencyKey)}` };
  }
}
