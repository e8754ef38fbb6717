import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChannelKind } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { ConsolePageChannel } from './console.channel';
import { EmailChannel } from './email.channel';
import { ChannelFailedError, PageChannel, PageReceipt } from './page-channel';
import { PagerDutyChannel } from './pagerduty.channel';
import { TwilioSmsChannel } from './twilio-sms.channel';
import { WctpPagerChannel } from './wctp.channel';

/** Stands in for a kind this deployment has no provider for: it fails, so the next channel is tried. */
class UnconfiguredChannel implements PageChannel {
  constructor(readonly kind: ChannelKind) {}
  async send(): Promise<PageReceipt> {
    throw new ChannelFailedError(this.kind, 'not-configured', false);
  }
}

export const STATUS_CALLBACK_PATH = '/webhooks/twilio/status';

/**
 * The channels this deployment has configured. A kind without configuration is a failure that moves to the
 * supporter's next channel; the console is used only for the 'console' kind, or for every unconfigured kind
 * when NOTIFY_CONSOLE_FALLBACK=true (local development).
 */
@Injectable()
export class ChannelRegistry implements OnModuleDestroy {
  private readonly channels = new Map<ChannelKind, PageChannel>();
  private readonly console = new ConsolePageChannel();
  readonly pagerDuty?: PagerDutyChannel;

  constructor(@Inject(SERVICE_ENV) private readonly env: NotificationEnv) {
    const timeoutMs = env.NOTIFY_PROVIDER_TIMEOUT_MS;
    this.channels.set('console', this.console);
    if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER) {
      const statusCallbackUrl = env.TWILIO_STATUS_CALLBACKS ? `${env.publicBaseUrl}${STATUS_CALLBACK_PATH}` : undefined;
      this.channels.set('sms', new TwilioSmsChannel({
        baseUrl: env.TWILIO_BASE_URL, accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, fromNumber: env.TWILIO_FROM_NUMBER, timeoutMs, statusCallbackUrl,
      }));
    }
    if (env.WCTP_URL) {
      this.channels.set('pager', new WctpPagerChannel({ url: env.WCTP_URL, senderId: env.WCTP_SENDER_ID, securityCode: env.WCTP_SECURITY_CODE, timeoutMs }));
    }
    if (env.PAGERDUTY_ROUTING_KEY) {
      this.pagerDuty = new PagerDutyChannel({ eventsUrl: env.PAGERDUTY_EVENTS_URL, defaultRoutingKey: env.PAGERDUTY_ROUTING_KEY, timeoutMs });
      this.channels.set('pagerduty', this.pagerDuty);
    }
    if (env.SMTP_URL) this.channels.set('email', new EmailChannel({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, timeoutMs }));
  }

  channelFor(kind: ChannelKind): PageChannel {
    const channel = this.channels.get(kind);
    if (channel) return channel;
    return this.env.NOTIFY_CONSOLE_FALLBACK ? this.console : new UnconfiguredChannel(kind);
  }

  /** Kinds with a real provider behind them (for the docs and the readiness log line). */
  configuredKinds(): ChannelKind[] {
    return [...this.channels.keys()];
  }

  onModuleDestroy(): void {
    const email = this.channels.get('email');
    if (email instanceof EmailChannel) email.close();
  }
}
