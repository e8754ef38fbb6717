import { httpFailure, transportFailure } from './http-failure';
import { ChannelFailedError, PageChannel, PageReceipt, PageRequest } from './page-channel';

export interface PagerDutySettings {
  eventsUrl: string;
  defaultRoutingKey: string;
  timeoutMs: number;
}

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** One incident per assignment (or staff page): trigger, acknowledge and resolve share this key (≤ 255 chars). */
export function pagerDutyDedupKey(refId: string): string {
  return `harbor-${refId}`.slice(0, 255);
}

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`, 202 = queued). The summary is the same PHI-free page text;
 * no custom_details are sent. A 429 carries Retry-After when PagerDuty sends it.
 */
export class PagerDutyChannel implements PageChannel {
  readonly kind = 'pagerduty' as const;

  constructor(private readonly settings: PagerDutySettings) {}

  send(request: PageRequest): Promise<PageReceipt> {
    return this.event('trigger', request.refId, request.address, request.text);
  }

  /** acknowledge / resolve the incident a trigger opened; PagerDuty ignores them for an unknown key. */
  async event(action: PagerDutyAction, refId: string, address: string, summary?: string): Promise<PageReceipt> {
    if (!this.settings.defaultRoutingKey && !address) throw new ChannelFailedError('pagerduty', 'no-routing-key', false);
    const dedupKey = pagerDutyDedupKey(refId);
    const body: Record<string, unknown> = { routing_key: address || this.settings.defaultRoutingKey, event_action: action, dedup_key: dedupKey };
    if (action === 'trigger') body.payload = { summary: (summary ?? '').slice(0, 1024), source: 'harbor', severity: 'warning' };
    let response: Response;
    try {
      response = await fetch(`${this.settings.eventsUrl.replace(/\/$/, '')}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw transportFailure('pagerduty', error);
    }
    await response.text().catch(() => '');
    if (response.status !== 202 && !response.ok) throw httpFailure('pagerduty', response.status, response.headers.get('retry-after'));
    return { providerRef: `pagerduty:${dedupKey}` };
  }
}
