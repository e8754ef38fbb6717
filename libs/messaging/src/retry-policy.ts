import { isPermanent } from './errors';

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Total tries, the first included, before a transient failure is dead-lettered. */
  attempts: number;
}

/**
 * Exponential backoff with "equal" jitter for retry number `attempt` (1-based): the ceiling is
 * min(maxDelayMs, baseDelayMs * 2^(attempt-1)) and the delay a random whole number of milliseconds between
 * half the ceiling and the ceiling, so retries spread out but never come early.
 */
export function equalJitterDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/**
 * What to do after attempt number `attempt` (1-based) failed with `error`: permanent errors and an
 * exhausted budget go to the dead-letter topic; otherwise wait `equalJitterDelayMs(attempt)`.
 */
export function decideAfterFailure(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): FailureDecision {
  if (isPermanent(error) || attempt >= policy.attempts) return { action: 'dead-letter' };
  return { action: 'retry', delayMs: equalJitterDelayMs(attempt, policy, random) };
}
