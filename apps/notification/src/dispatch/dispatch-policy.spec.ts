import fc from 'fast-check';
import { nextStep } from './dispatch-policy';

const policy = { attemptsPerChannel: 3, baseDelayMs: 100, maxDelayMs: 1000 };
const failure = { attempt: 1, retryable: true, channelIndex: 0, channelCount: 2 };

describe('nextStep', () => {
  it('retries a retryable failure with backoff between half the ceiling and the ceiling', () => {
    expect(nextStep(failure, policy, () => 0)).toEqual({ action: 'retry', delayMs: 50 });
    expect(nextStep(failure, policy, () => 1)).toEqual({ action: 'retry', delayMs: 100 });
    expect(nextStep({ ...failure, attempt: 2 }, policy, () => 1)).toEqual({ action: 'retry', delayMs: 200 });
  });

  it('waits at least Retry-After', () => {
    expect(nextStep({ ...failure, retryAfterMs: 700 }, policy, () => 0)).toEqual({ action: 'retry', delayMs: 700 });
  });

  it('moves on when Retry-After is longer than the longest allowed wait', () => {
    expect(nextStep({ ...failure, retryAfterMs: 5000 }, policy)).toEqual({ action: 'next-channel' });
  });

  it('moves on at once for a non-retryable failure', () => {
    expect(nextStep({ ...failure, retryable: false }, policy)).toEqual({ action: 'next-channel' });
  });

  it('moves on after the attempts are spent, and gives up after the last channel', () => {
    expect(nextStep({ ...failure, attempt: 3 }, policy)).toEqual({ action: 'next-channel' });
    expect(nextStep({ ...failure, attempt: 3, channelIndex: 1 }, policy)).toEqual({ action: 'give-up' });
    expect(nextStep({ ...failure, retryable: false, channelIndex: 1 }, policy)).toEqual({ action: 'give-up' });
  });

  it('property: never more than attemptsPerChannel sends per channel, delays within bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attemptsPerChannel, attempt, retryable, retryAfterMs, random) => {
          const step = nextStep({ attempt, retryable, retryAfterMs, channelIndex: 0, channelCount: 1 }, { ...policy, attemptsPerChannel }, () => random);
          if (step.action === 'retry') {
            expect(attempt).toBeLessThan(attemptsPerChannel);
            expect(retryable).toBe(true);
            expect(step.delayMs).toBeGreaterThanOrEqual(Math.max(retryAfterMs ?? 0, 50 / 2));
            expect(step.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
          } else {
            expect(step.action).toBe('give-up');
          }
        },
      ),
    );
  });
});
