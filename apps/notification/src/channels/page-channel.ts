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

/** A send whose outcome Harbor never learned (a crash, or a timeout after the request left), to look up. */
export interface UnconfirmedSend {
  request: PageRequest;
  /** When the send was about to be made: the provider's copy cannot be older. */
  since: Date;
}

/** One way of reaching a supporter. Implementations throw ChannelFailedError so the dispatcher can decide. */
export interface PageChannel {
  readonly kind: ChannelKind;
  send(request: PageRequest): Promise<PageReceipt>;
  /**
   * Asks the provider whether an unconfirmed send reached it, before sending again: the provider refs of
   * messages that match it (same recipient and text, created since then), newest first; empty when there
   * is none. Only for providers that can answer (Twilio's Messages list); the others resend under the same
   * idempotency key. Throws ChannelFailedError when the provider cannot tell.
   */
  lookup?(send: UnconfirmedSend): Promise<string[]>;
}

/**
 * A send that did not go out. `reason` is a short error class safe to log and to put on events
 * (never a provider body); `retryable` says whether the same channel may be tried again (a provider
 * problem) or the request itself was refused (this address will never work). `ambiguous` marks a failure
 * after which the provider may still have accepted the page (a timeout, a connection lost mid-request).
 */
export class ChannelFailedError extends Error {
  constructor(
    readonly channel: ChannelKind,
    readonly reason: string,
    readonly retryable = true,
    readonly retryAfterMs?: number,
    readonly ambiguous = false,
  ) {
    super(`${channel}: ${reason}`);
    this.name = 'ChannelFailedError';
  }
}

/**
 * The provider cannot be tried now (its circuit breaker is open, or its half-open trial is in flight):
 * not the supporter's fault, and no send was made. `waitMs` is how long until it can be tried again.
 */
export class ProviderUnavailableError extends ChannelFailedError {
  constructor(channel: ChannelKind, reason: string, readonly waitMs: number) {
    super(channel, reason, true, waitMs);
    this.name = 'ProviderUnavailableError';
  }
}
