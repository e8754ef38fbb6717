import fc from 'fast-check';
import { DispatchState, FailureClass, nextStep } from './dispatch-policy';

const policy = { attemptsPerChannel: 3, baseDelayMs: 100, maxDelayMs: 1000, maxPassWaitMs: 1000 };
const twoChannels: DispatchState = { channelKinds: ['sms', 'pager'], channelIndex: 0, attempt: 1, round: 0, refused: [] };
const retryable = { class: 'retryable' as const };
const refused = { class: 'refused' as const };
const noWait = () => 0;

describe('nextStep', () => {
  it('retries a retryable failure with backoff between half the ceiling and the ceiling', () => {
    expect(nextStep(twoChannels, retryable, policy, noWait, () => 0)).toEqual({ action: 'retry', delayMs: 50 });
    expect(nextStep(twoChannels, retryable, policy, noWait, () => 1)).toEqual({ action: 'retry', delayMs: 100 });
    expect(nextStep({ ...twoChannels, attempt: 2 }, retryable, policy, noWait, () => 1)).toEqual({ action: 'retry', delayMs: 200 });
  });

  it('waits at least Retry-After', () => {
    expect(nextStep(twoChannels, { ...retryable, retryAfterMs: 700 }, policy, noWait, () => 0)).toEqual({ action: 'retry', delayMs: 700 });
  });

  it('moves on when Retry-After is longer than the longest allowed wait', () => {
    expect(nextStep(twoChannels, { ...retryable, retryAfterMs: 5000 }, policy)).toEqual({ action: 'switch', channelIndex: 1, refused: [] });
  });

  it('moves on at once from a channel that refuses, and remembers the refusal', () => {
    expect(nextStep(twoChannels, refused, policy)).toEqual({ action: 'switch', channelIndex: 1, refused: [0] });
  });

  it('gives up only when every channel has refused', () => {
    expect(nextStep({ ...twoChannels, channelIndex: 1, refused: [0] }, refused, policy)).toEqual({ action: 'give-up', refused: [0, 1] });
    expect(nextStep({ channelKinds: ['sms'], channelIndex: 0, attempt: 1, round: 0, refused: [] }, refused, policy)).toEqual({ action: 'give-up', refused: [0] });
  });

  it('never gives up for a provider failure: after the last channel it waits and starts another pass', () => {
    const step = nextStep({ ...twoChannels, channelIndex: 1, attempt: 3 }, retryable, policy, noWait, () => 1);
    expect(step).toEqual({ action: 'wait', channelIndex: 0, delayMs: 100, round: 1, refused: [] });
    // The backoff grows with each pass, up to the ceiling.
    expect(nextStep({ ...twoChannels, channelIndex: 1, attempt: 3, round: 3 }, retryable, policy, noWait, () => 1)).toMatchObject({ delayMs: 800, round: 4 });
    expect(nextStep({ ...twoChannels, channelIndex: 1, attempt: 3, round: 9 }, retryable, policy, noWait, () => 1)).toMatchObject({ delayMs: 1000 });
  });

  it('waits between passes no longer than the breaker would before its trial, so a provider back at a quiet time is found', () => {
    const single: DispatchState = { channelKinds: ['sms'], channelIndex: 0, attempt: 3, round: 9, refused: [] };
    const quiet = { ...policy, maxDelayMs: 30_000, maxPassWaitMs: 2000 };
    // Late passes would wait up to 30 s; the pass wait stops at the breaker's reset (2 s).
    expect(nextStep(single, retryable, quiet, noWait, () => 1)).toEqual({ action: 'wait', channelIndex: 0, delayMs: 2000, round: 10, refused: [] });
    // Still at least until the breaker's trial, and at least a Retry-After the provider asked for.
    expect(nextStep(single, { class: 'unavailable', retryAfterMs: 2500 }, quiet, () => 2500, () => 0)).toMatchObject({ delayMs: 2500 });
    expect(nextStep(single, { ...retryable, retryAfterMs: 20_000 }, quiet, noWait, () => 0)).toMatchObject({ action: 'wait', delayMs: 20_000 });
  });

  it('an open breaker is a reason to wait, not a refusal: a single-channel page waits for the trial', () => {
    const single: DispatchState = { channelKinds: ['sms'], channelIndex: 0, attempt: 0, round: 0, refused: [] };
    const step = nextStep(single, { class: 'unavailable', retryAfterMs: 4000 }, policy, (kind) => (kind === 'sms' ? 4000 : 0), () => 0);
    expect(step).toEqual({ action: 'wait', channelIndex: 0, delayMs: 4000, round: 1, refused: [] });
  });

  it('an open breaker moves the page to a later channel on another provider at once', () => {
    const step = nextStep({ ...twoChannels, attempt: 0 }, { class: 'unavailable', retryAfterMs: 4000 }, policy, (kind) => (kind === 'sms' ? 4000 : 0));
    expect(step).toEqual({ action: 'switch', channelIndex: 1, refused: [] });
  });

  it('skips later channels whose provider is down too, and waits for the provider available soonest', () => {
    const state: DispatchState = { channelKinds: ['sms', 'sms', 'email'], channelIndex: 0, attempt: 0, round: 0, refused: [] };
    const waits: Record<string, number> = { sms: 4000, email: 0 };
    expect(nextStep(state, { class: 'unavailable', retryAfterMs: 4000 }, policy, (kind) => waits[kind])).toEqual({ action: 'switch', channelIndex: 2, refused: [] });
    const emailDown: Record<string, number> = { sms: 4000, email: 9000 };
    expect(nextStep(state, { class: 'unavailable', retryAfterMs: 4000 }, policy, (kind) => emailDown[kind], () => 0))
      .toEqual({ action: 'wait', channelIndex: 0, delayMs: 4000, round: 1, refused: [] });
  });

  it('after a refusal, the only channel left waits for its provider instead of giving up', () => {
    const state: DispatchState = { channelKinds: ['sms', 'pager'], channelIndex: 1, attempt: 1, round: 0, refused: [] };
    expect(nextStep(state, refused, policy, (kind) => (kind === 'sms' ? 2500 : 0), () => 0)).toEqual({ action: 'wait', channelIndex: 0, delayMs: 2500, round: 1, refused: [1] });
  });

  it('a long Retry-After is honoured when the same channel is the only one left', () => {
    const single: DispatchState = { channelKinds: ['sms'], channelIndex: 0, attempt: 1, round: 0, refused: [] };
    expect(nextStep(single, { ...retryable, retryAfterMs: 5000 }, policy, noWait, () => 0)).toEqual({ action: 'wait', channelIndex: 0, delayMs: 5000, round: 1, refused: [] });
  });

  it('property: gives up if and only if every channel refused; never more than attemptsPerChannel sends per channel and pass; delays within bounds', () => {
    const classes: FailureClass[] = ['refused', 'retryable', 'unavailable'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('sms', 'pager', 'email', 'pagerduty'), { minLength: 1, maxLength: 4 }).chain((kinds) => fc.record({
          kinds: fc.constant(kinds),
          channelIndex: fc.nat({ max: kinds.length - 1 }),
          refused: fc.subarray([...kinds.keys()]),
          attempt: fc.integer({ min: 0, max: 10 }),
          round: fc.nat({ max: 20 }),
          failure: fc.constantFrom(...classes),
          retryAfterMs: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
          waits: fc.dictionary(fc.constantFrom('sms', 'pager', 'email', 'pagerduty'), fc.integer({ min: 0, max: 60_000 })),
          random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        })),
        ({ kinds, channelIndex, refused: already, attempt, round, failure, retryAfterMs, waits, random }) => {
          const state: DispatchState = { channelKinds: kinds, channelIndex, attempt, round, refused: already };
          const providerWait = (kind: string) => waits[kind] ?? 0;
          const step = nextStep(state, { class: failure, retryAfterMs }, policy, providerWait, () => random);
          const refusedAfter = new Set([...already, ...(failure === 'refused' ? [channelIndex] : [])]);
          expect(step.action === 'give-up').toBe(refusedAfter.size === kinds.length);
          if (step.action === 'retry') {
            expect(failure).toBe('retryable');
            expect(attempt).toBeLessThan(policy.attemptsPerChannel);
            expect(step.delayMs).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
            expect(step.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
          }
          if (step.action === 'switch') {
            expect(refusedAfter.has(step.channelIndex)).toBe(false);
            expect(step.channelIndex).toBeGreaterThan(channelIndex);
            expect(providerWait(kinds[step.channelIndex])).toBe(0);
          }
          if (step.action === 'wait') {
            expect(refusedAfter.has(step.channelIndex)).toBe(false);
            expect(step.round).toBe(round + 1);
            expect(step.delayMs).toBeGreaterThanOrEqual(providerWait(kinds[step.channelIndex]));
            expect(step.delayMs).toBeGreaterThan(0);
            // Never longer than the pass cap, unless the provider's own wait or Retry-After asks for more.
            const asked = Math.max(providerWait(kinds[step.channelIndex]), step.channelIndex === channelIndex ? retryAfterMs ?? 0 : 0);
            expect(step.delayMs).toBeLessThanOrEqual(Math.max(policy.maxPassWaitMs, asked));
          }
        },
      ),
    );
  });
});
