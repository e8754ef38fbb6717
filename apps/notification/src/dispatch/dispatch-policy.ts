import { equalJitterDelayMs } from '@harbor/messaging';

export interface DispatchPolicy {
  /** Sends per channel, the first included. */
  attemptsPerChannel: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface FailedSend {
  /** 1-based number of the send on the current channel that just failed. */
  attempt: number;
  retryable: boolean;
  retryAfterMs?: number;
  channelIndex: number;
  channelCount: number;
}

export type NextStep = { action: 'retry'; delayMs: number } | { action: 'next-channel' } | { action: 'give-up' };

/**
 * After a failed send: retry the same channel with exponential backoff and equal jitter (never sooner than
 * a provider's Retry-After), or move to the next channel when the failure is not retryable, the attempts are
 * spent, or the provider asks for a wait longer than maxDelayMs; give up after the last channel.
 */
export function nextStep(failure: FailedSend, policy: DispatchPolicy, random: () => number = Math.random): NextStep {
  const retryAfter = failure.retryAfterMs ?? 0;
  const canRetry = failure.retryable && failure.attempt < policy.attemptsPerChannel && retryAfter <= policy.maxDelayMs;
  if (canRetry) {
    return { action: 'retry', delayMs: Math.max(equalJitterDelayMs(failure.attempt, policy, random), retryAfter) };
  }
  return failure.channelIndex + 1 < failure.channelCount ? { action: 'next-channel' } : { action: 'give-up' };
}
