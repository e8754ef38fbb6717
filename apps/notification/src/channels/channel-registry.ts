import { Inject, Injectable } from '@nestjs/common';
import { ChannelKind } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { ConsolePageChannel } from './console.channel';
import { PageChannel } from './page-channel';
import { TwilioSmsChannel } from './twilio-sms.channel';

/** The channels this deployment has configured; a kind without configuration falls back to the console. */
@Injectable()
export class ChannelRegistry {
  private readonly channels = new Map<ChannelKind, PageChannel>();
  private readonly console = new ConsolePageChannel();

  constructor(@Inject(SERVICE_ENV) env: NotificationEnv) {
    if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER) {
      this.channels.set(
        'sms',
        new TwilioSmsChannel({
          baseUrl: env.TWILIO_BASE_URL,
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          fromNumber: env.TWILIO_FROM_NUMBER,
          timeoutMs: env.NOTIFY_PROVIDER_TIMEOUT_MS,
        }),
      );
    }
  }

  channelFor(kind: ChannelKind): PageChannel {
    return this.channels.get(kind) ?? this.console;
  }
}
