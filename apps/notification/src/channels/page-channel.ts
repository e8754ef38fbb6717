import { ChannelKind } from '@harbor/contracts';

export interface PageRequest {
  address: string;
  text: string;
  /** Unique per assignment attempt and channel; passed to providers that de-duplicate on it. */
  idempotencyKey: string;
}

export interface PageReceipt {
  providerRef?: string;
}

/** One way of reaching a supporter. Implementations throw on failure so the next channel is tried. */
export interface PageChannel {
  readonly kind: ChannelKind;
  send(request: PageRequest): Promise<PageReceipt>;
}

export class ChannelFailedError extends Error {
  constructor(
    readonly channel: ChannelKind,
    message: string,
    readonly retryable = true,
  ) {
    super(`${channel}: ${message}`);
    this.name = 'ChannelFailedError';
  }
}
