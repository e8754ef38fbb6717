import { isPermanent } from './errors';

export interface RetryPolicy {
  /** Total tries, the first included, before a transient failure is dead-lettered. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/**
 * What to do after attempt number `attempt` (1-based) failed with `error`: permanent errors and an
 * exhausted budget go to the dead-letter topic; otherwise wait with exponential backoff and "equal" jitter
 * (a random delay between half the ceiling and the ceiling), so retries spread out but never come early.
 */
export function decideAfterFailure(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): FailureDecision {
  if (isPermanent(error) || attempt >= policy.attempts) return { action: 'dead-letter' };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return { action: 'retry', delayMs: Math.round(ceiling / 2 + (random() * ceiling) / 2) };
}
