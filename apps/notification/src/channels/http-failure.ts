import { ChannelKind } from '@harbor/contracts';
import { ChannelFailedError } from './page-channel';

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined; // IMF-fixdate only
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** 5xx, 429 and 408 are worth another try on the same channel; other 4xx are not (the request itself is wrong). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export function httpFailure(channel: ChannelKind, status: number, retryAfter?: string | null): ChannelFailedError {
  return new ChannelFailedError(channel, `http-${status}`, isRetryableStatus(status), parseRetryAfter(retryAfter));
}

/** Connection errors that mean the request never reached the provider, so nothing can have been accepted. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A fetch that threw: a timeout or a connection problem, both retryable. A timeout or a connection lost
 * mid-request is ambiguous (the provider may have accepted the page); a refused connection is not.
 * Never includes the URL or body.
 */
export function transportFailure(channel: ChannelKind, error: unknown): ChannelFailedError {
  const name = (error as Error)?.name;
  const code = (error as { code?: string; cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new ChannelFailedError(channel, 'timeout', true, undefined, true);
  }
  const ambiguous = !code || !NEVER_SENT_CODES.has(code);
  return new ChannelFailedError(channel, code ? `network-${code}`.slice(0, 60) : 'network-error', true, undefined, ambiguous);
}
