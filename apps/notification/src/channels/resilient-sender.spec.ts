import { ChannelFailedError, ProviderUnavailableError } from './page-channel';
import { ProviderBreakers } from './resilient-sender';

describe('ProviderBreakers', () => {
  let breakers: ProviderBreakers;
  const settings = { errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeout: 60_000, trialWaitMs: 500 };
  beforeEach(() => (breakers = new ProviderBreakers(settings)));
  afterEach(() => breakers.shutdown());

  const fail = (retryable: boolean) => async () => { throw new ChannelFailedError('sms', 'http-500', retryable); };
  const openSms = async () => {
    for (let index = 0; index < 3; index++) await expect(breakers.call('sms', fail(true))).rejects.toMatchObject({ reason: 'http-500' });
  };

  it('opens after enough provider failures, then fails fast with "provider unavailable" and the wait until the trial', async () => {
    await openSms();
    expect(breakers.isOpen('sms')).toBe(true);
    const send = jest.fn(async () => ({ providerRef: 'x' }));
    const rejection = await breakers.call('sms', send).catch((error) => error);
    expect(rejection).toBeInstanceOf(ProviderUnavailableError);
    // Not a refusal: the dispatcher waits (or switches provider) instead of giving the recipient up.
    expect(rejection).toMatchObject({ reason: 'circuit-open', retryable: true });
    expect(rejection.waitMs).toBeGreaterThan(59_000);
    expect(rejection.waitMs).toBeLessThanOrEqual(60_000);
    expect(breakers.unavailableForMs('sms')).toBeGreaterThan(59_000);
    expect(breakers.unavailableForMs('email')).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });

  it('does not count rejected requests (non-retryable) against the provider', async () => {
    for (let index = 0; index < 5; index++) await expect(breakers.call('sms', fail(false))).rejects.toMatchObject({ reason: 'http-500' });
    expect(breakers.isOpen('sms')).toBe(false);
    expect(breakers.unavailableForMs('sms')).toBe(0);
  });

  it('keeps one breaker per provider', async () => {
    await openSms();
    await expect(breakers.call('email', async () => ({ providerRef: 'ok' }))).resolves.toEqual({ providerRef: 'ok' });
  });

  it('half-open: one trial goes through; other sends wait for its outcome instead of failing; success closes and tells listeners', async () => {
    breakers = new ProviderBreakers({ ...settings, resetTimeout: 30 });
    const closed: string[] = [];
    breakers.onClose((provider) => closed.push(provider));
    await openSms();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(breakers.unavailableForMs('sms')).toBe(0); // the trial slot is free

    let finishTrial!: () => void;
    const trial = breakers.call('sms', () => new Promise((resolve) => (finishTrial = () => resolve({ providerRef: 'trial' }))));
    expect(breakers.unavailableForMs('sms')).toBe(500);
    const during = await breakers.call('sms', async () => ({ providerRef: 'second' })).catch((error) => error);
    expect(during).toBeInstanceOf(ProviderUnavailableError);
    expect(during).toMatchObject({ reason: 'circuit-half-open', waitMs: 500 });

    finishTrial();
    await expect(trial).resolves.toEqual({ providerRef: 'trial' });
    expect(closed).toEqual(['sms']);
    expect(breakers.unavailableForMs('sms')).toBe(0);
    expect(breakers.circuitStates()).toEqual([{ provider: 'sms', open: 0 }]);
  });
});
