import fc from 'fast-check';
import { MalformedMessageError, UnknownEventTypeError } from './errors';
import { decideAfterFailure, equalJitterDelayMs, RetryPolicy } from './retry-policy';
import { EventValidationError, PermanentMessageError } from '@harbor/contracts';

const policy: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

describe('decideAfterFailure', () => {
  describe('permanent errors', () => {
    it.each([
      ['PermanentMessageError', new PermanentMessageError('nope')],
      ['EventValidationError', new EventValidationError('org.harbor.x.v1', ['field: bad'])],
      ['MalformedMessageError', new MalformedMessageError('not JSON')],
      ['UnknownEventTypeError', new UnknownEventTypeError('org.harbor.x.v9')],
    ])('dead-letters a %s on the first attempt', (_name, error) => {
      expect(decideAfterFailure(error, 1, policy)).toEqual({ action: 'dead-letter' });
    });
  });

  describe('transient errors', () => {
    it.each([
      ['a plain Error', new Error('connection reset')],
      ['a TypeError', new TypeError('x is undefined')],
      ['a thrown string', 'boom'],
      ['undefined', undefined],
    ])('retries %s while attempts remain', (_name, error) => {
      expect(decideAfterFailure(error, 1, policy, () => 0).action).toBe('retry');
    });

    it('retries after attempts 1..attempts-1 and dead-letters after the last one', () => {
      const actions = [1, 2, 3, 4, 5, 6].map((attempt) => decideAfterFailure(new Error('x'), attempt, policy, () => 0.5).action);
      expect(actions).toEqual(['retry', 'retry', 'retry', 'retry', 'dead-letter', 'dead-letter']);
    });

    it('with attempts = 1 never retries', () => {
      expect(decideAfterFailure(new Error('x'), 1, { ...policy, attempts: 1 })).toEqual({ action: 'dead-letter' });
    });
  });

  describe('backoff', () => {
    const delay = (attempt: number, random: number, p: RetryPolicy = policy) => {
      const decision = decideAfterFailure(new Error('x'), attempt, p, () => random);
      if (decision.action !== 'retry') throw new Error(`expected a retry, got ${decision.action}`);
      return decision.delayMs;
    };

    it('doubles the ceiling with each attempt (random = 0 gives half the ceiling)', () => {
      const p = { attempts: 10, baseDelayMs: 200, maxDelayMs: 1_000_000 };
      // ceiling = 200 * 2^(n-1): 200, 400, 800, 1600
      expect([1, 2, 3, 4].map((attempt) => delay(attempt, 0, p))).toEqual([100, 200, 400, 800]);
    });

    it('approaches the ceiling as random approaches 1', () => {
      expect(delay(3, 0.999999, { attempts: 10, baseDelayMs: 200, maxDelayMs: 1_000_000 })).toBe(800);
    });

    it('caps the ceiling at maxDelayMs', () => {
      const p = { attempts: 20, baseDelayMs: 200, maxDelayMs: 1000 };
      expect(delay(10, 0, p)).toBe(500);
      expect(delay(10, 0.999999, p)).toBe(1000);
    });

    it('stays finite for very large attempt numbers', () => {
      expect(delay(5000, 0.5, { attempts: 10_000, baseDelayMs: 200, maxDelayMs: 30_000 })).toBe(22_500);
    });

    it('property: the delay lies in [ceiling/2, ceiling] with ceiling = min(max, base * 2^(attempt-1))', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 40 }),
          fc.integer({ min: 1, max: 60_000 }),
          fc.integer({ min: 1, max: 600_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          fc.nat(),
          (attempts, baseDelayMs, maxDelayMs, random, attemptSeed) => {
            const attempt = 1 + (attemptSeed % (attempts - 1)); // 1..attempts-1: always a retry
            const decision = decideAfterFailure(new Error('x'), attempt, { attempts, baseDelayMs, maxDelayMs }, () => random);
            expect(decision.action).toBe('retry');
            if (decision.action !== 'retry') return;
            const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
            expect(Number.isInteger(decision.delayMs)).toBe(true);
            expect(decision.delayMs).toBeGreaterThanOrEqual(ceiling / 2);
            expect(decision.delayMs).toBeLessThanOrEqual(ceiling);
            expect(decision.delayMs).toBeLessThanOrEqual(maxDelayMs);
          },
        ),
      );
    });

    it('property: the delay never decreases from one attempt to the next for the same random value', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 1, max: 60_000 }),
          fc.integer({ min: 1, max: 600_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (attempt, baseDelayMs, maxDelayMs, random) => {
            const p = { attempts: 100, baseDelayMs, maxDelayMs };
            expect(delay(attempt + 1, random, p)).toBeGreaterThanOrEqual(delay(attempt, random, p));
          },
        ),
      );
    });

    it('property: permanent errors dead-letter whatever the attempt and policy', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (attempt, attempts) => {
          const decision = decideAfterFailure(new MalformedMessageError('bad'), attempt, { ...policy, attempts }, () => 0.5);
          expect(decision).toEqual({ action: 'dead-letter' });
        }),
      );
    });
  });
});

describe('equalJitterDelayMs', () => {
  it('lies between half the ceiling and the ceiling, the ceiling doubling per attempt up to maxDelayMs', () => {
    const backoff = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => equalJitterDelayMs(attempt, backoff, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => equalJitterDelayMs(attempt, backoff, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('is the delay decideAfterFailure retries with', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const p = { attempts: 100, baseDelayMs: 200, maxDelayMs: 30_000 };
        expect(decideAfterFailure(new Error('x'), attempt, p, () => random)).toEqual({ action: 'retry', delayMs: equalJitterDelayMs(attempt, p, () => random) });
      }),
    );
  });
});
