import { ChannelFailedError } from './page-channel';
import { ProviderBreakers } from './resilient-sender';

describe('ProviderBreakers', () => {
  let breakers: ProviderBreakers;
  beforeEach(() => (breakers = new ProviderBreakers({ errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeout: 60_000 })));
  afterEach(() => breakers.shutdown());

  const fail = (retryable: boolean) => async () => { throw new ChannelFailedError('sms', 'http-500', retryable); };

  it('opens after enough provider failures and then fails fast with circuit-open, without calling the provider', async () => {
    for (let index = 0; index < 3; index++) await expect(breakers.call('sms', fail(true))).rejects.toMatchObject({ reason: 'http-500' });
    expect(breakers.isOpen('sms')).toBe(true);
    const send = jest.fn(async () => ({ providerRef: 'x' }));
    await expect(breakers.call('sms', send)).rejects.toMatchObject({ reason: 'circuit-open', retryable: false });
    expect(send).not.toHaveBeenCalled();
  });

  it('does not count rejected requests (non-retryable) against the provider', async () => {
    for (let index = 0; index < 5; index++) await expect(breakers.call('sms', fail(false))).rejects.toMatchObject({ reason: 'http-500' });
    expect(breakers.isOpen('sms')).toBe(false);
  });

  it('keeps one breaker per provider', async () => {
    for (let index = 0; index < 3; index++) await expect(breakers.call('sms', fail(true))).rejects.toBeDefined();
    await expect(breakers.call('email', async () => ({ providerRef: 'ok' }))).resolves.toEqual({ providerRef: 'ok' });
  });
});
