import { equalJitterDelayMs } from '@harbor/messaging';

export interface DispatchPolicy {
  /** Sends per channel and pass, the first included. */
  attemptsPerChannel: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest backoff between two passes (the breaker's reset). A page waiting out a provider outage is what
   * tests the provider when no other traffic does: waiting longer than a breaker would before its trial
   * leaves pages waiting after the provider is back. Unset: `maxDelayMs`.
   */
  maxPassWaitMs?: number;
}

/**
 * What a failed send says about the channel:
 * - `refused`: the channel refuses this address for good (4xx, unknown pager, bad mailbox, opted out, not
 *   configured). Only refusals can make a page undeliverable.
 * - `retryable`: the provider failed this send (5xx, 429, timeout, network). The provider's trouble, not the
 *   recipient's.
 * - `unavailable`: the provider could not be tried at all (its circuit breaker is open, or the half-open
 *   trial is in flight). No send was made and none is counted.
 */
export type FailureClass = 'refused' | 'retryable' | 'unavailable';

export interface SendFailure {
  class: FailureClass;
  /** Retry-After, or the wait until the breaker's trial. */
  retryAfterMs?: number;
}

export interface DispatchState {
  /** The channel kind (= provider) of each of the recipient's channels, in preferred order. */
  channelKinds: readonly string[];
  channelIndex: number;
  /** Sends made on the current channel in this pass, the one that just failed included (0 when none was made). */
  attempt: number;
  /** Passes over the channels that ended without a delivery. */
  round: number;
  /** Channels that refused for good. */
  refused: readonly number[];
}

/** Milliseconds until a provider may be tried (0: now), from its circuit breaker. */
export type ProviderWait = (kind: string) => number;

export type NextStep =
  /** The same channel again after `delayMs` (backoff, never sooner than Retry-After). */
  | { action: 'retry'; delayMs: number }
  /** Another channel, now. */
  | { action: 'switch'; channelIndex: number; refused: number[] }
  /** Nothing can be tried now: start the next pass at `channelIndex` after `delayMs`. */
  | { action: 'wait'; channelIndex: number; delayMs: number; round: number; refused: number[] }
  /** Every channel refused: the recipient cannot be reached. */
  | { action: 'give-up'; refused: number[] };

/**
 * After a failed send. A provider that is down is a reason to wait or to switch provider, never to give
 * up: only when every channel has refused is the page given up (an offer becomes undeliverable).
 * - A retryable failure is retried on the same channel with exponential backoff and equal jitter, never
 *   sooner than Retry-After, up to `attemptsPerChannel` sends (a Retry-After longer than `maxDelayMs` moves on).
 * - Otherwise the next channel in this pass that has not refused and whose provider can be tried now.
 * - When none is left, the pass ends: wait (growing backoff per pass, never longer than `maxPassWaitMs`; at
 *   least until the chosen provider's breaker allows a trial, and Retry-After when it is the same channel),
 *   then start again at the channel whose provider is available soonest (the first such in preferred order).
 */
export function nextStep(
  state: DispatchState,
  failure: SendFailure,
  policy: DispatchPolicy,
  providerWait: ProviderWait = () => 0,
  random: () => number = Math.random,
): NextStep {
  const count = state.channelKinds.length;
  const refused = failure.class === 'refused' && !state.refused.includes(state.channelIndex)
    ? [...state.refused, state.channelIndex].sort((a, b) => a - b)
    : [...state.refused];
  const usable = [...Array(count).keys()].filter((index) => !refused.includes(index));
  if (usable.length === 0) return { action: 'give-up', refused };

  const retryAfter = failure.retryAfterMs ?? 0;
  if (failure.class === 'retryable' && state.attempt < policy.attemptsPerChannel && retryAfter <= policy.maxDelayMs) {
    return { action: 'retry', delayMs: Math.max(equalJitterDelayMs(state.attempt, policy, random), retryAfter) };
  }

  const waits = new Map(usable.map((index) => [index, Math.max(0, providerWait(state.channelKinds[index]))]));
  const later = usable.find((index) => index > state.channelIndex && waits.get(index) === 0);
  if (later !== undefined) return { action: 'switch', channelIndex: later, refused };

  const round = state.round + 1;
  const soonest = usable.reduce((best, index) => (waits.get(index)! < waits.get(best)! ? index : best));
  const backoff = Math.min(equalJitterDelayMs(round, policy, random), policy.maxPassWaitMs ?? policy.maxDelayMs);
  const delayMs = Math.max(backoff, waits.get(soonest)!, soonest === state.channelIndex ? retryAfter : 0);
  return { action: 'wait', channelIndex: soonest, delayMs, round, refused };
}
