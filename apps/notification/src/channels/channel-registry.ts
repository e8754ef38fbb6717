import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChannelKind } from '@harbor/contracts';
import { ChannelSettings } from '../notification.settings';
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

  constructor(private readonly settings: ChannelSettings) {
    const { sms, pager, pagerDuty, email } = settings.providers;
    this.channels.set('console', this.console);
    if (sms) this.channels.set('sms', new TwilioSmsChannel(sms));
    if (pager) this.channels.set('pager', new WctpPagerChannel(pager));
    if (pagerDuty) {
      this.pagerDuty = new PagerDutyChannel(pagerDuty);
      this.channels.set('pagerduty', this.pagerDuty);
    }
    if (email) this.channels.set('email', new EmailChannel(email));
  }

  channelFor(kind: ChannelKind): PageChannel {
    const channel = this.channels.get(kind);
    if (channel) return channel;
    return this.settings.consoleFallback ? this.console : new UnconfiguredChannel(kind);
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
