import { loadConfig } from '@harbor/config';
import { NotificationEnv } from '../notification.env';
import { channelSettingsFrom } from '../notification.settings';
import { ChannelRegistry } from './channel-registry';

const request = { address: '+15550001111', text: 'Harbor: test', idempotencyKey: 'k', refId: 'r' };

describe('ChannelRegistry', () => {
  it('makes an unconfigured kind a non-retryable failure (so the next channel is tried), never the console', async () => {
    const registry = new ChannelRegistry(channelSettingsFrom(loadConfig(NotificationEnv, {})));
    for (const kind of ['sms', 'pager', 'pagerduty', 'email'] as const) {
      await expect(registry.channelFor(kind).send(request)).rejects.toMatchObject({ reason: 'not-configured', retryable: false, channel: kind });
    }
    expect(registry.configuredKinds()).toEqual(['console']);
  });

  it('uses the console for the console kind', () => {
    expect(new ChannelRegistry(channelSettingsFrom(loadConfig(NotificationEnv, {}))).channelFor('console').kind).toBe('console');
  });

  it('falls back to the console for unconfigured kinds only when NOTIFY_CONSOLE_FALLBACK=true', () => {
    const registry = new ChannelRegistry(channelSettingsFrom(loadConfig(NotificationEnv, { NOTIFY_CONSOLE_FALLBACK: 'true' })));
    expect(registry.channelFor('sms').kind).toBe('console');
  });

  it('configures each provider from its settings', () => {
    const registry = new ChannelRegistry(channelSettingsFrom(loadConfig(NotificationEnv, {
      TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15550000000', WCTP_URL: 'http://pager.local/wctp',
      PAGERDUTY_ROUTING_KEY: 'key', SMTP_URL: 'smtp://mail.local:25',
    })));
    expect(registry.configuredKinds().sort()).toEqual(['console', 'email', 'pager', 'pagerduty', 'sms']);
    registry.onModuleDestroy();
  });

  it('rejects a bad NOTIFY_CONSOLE_FALLBACK or NOTIFY_TEMPLATES at start-up, naming the variable', () => {
    expect(() => loadConfig(NotificationEnv, { NOTIFY_CONSOLE_FALLBACK: 'maybe' })).toThrow(/NOTIFY_CONSOLE_FALLBACK/);
    expect(() => loadConfig(NotificationEnv, { NOTIFY_TEMPLATES: '{"default":{"en":"Hi {name}, reply YES {code}"}}' })).toThrow(/NOTIFY_TEMPLATES.*\{name\}/);
  });
});
