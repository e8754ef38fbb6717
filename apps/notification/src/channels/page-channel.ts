import { ChannelKind } from '@harbor/contracts';

export interface PageRequest {
  address: string;
  /** The PHI-free text (templates only ever carry a reply code and a link). */
  text: string;
  /** Unique per assignment attempt (or staff page) and channel; the same on every retry of that send. */
  idempotencyKey: string;
  /** What the page is about (assignment id or staff page id): PagerDuty's dedup_key is derived from it. */
  refId: string;
}

export interface PageReceipt {
  providerRef?: string;
}

/** One way of reaching a supporter. Implementations throw ChannelFailedError so the dispatcher can decide. */
export interface PageChannel {
  readonly kind: ChannelKind;
  send(request: PageRequest): Promise<PageReceipt>;
}

/**
 * A send that did not go out. `reason` is a short error class safe to log and to put on events
 * (never a provider body); `retryable` says whether the same channel may be tried again.
 */
export class ChannelFailedError extends Error {
  constructor(
    readonly channel: ChannelKind,
    readonly reason: string,
    readonly retryable = true,
    readonly retryAfterMs?: number,
  ) {
    super(`${channel}: ${reason}`);
    this.name = 'ChannelFailedError';
  }
}
