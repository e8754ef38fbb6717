import { DynamicModule, Module } from '@nestjs/common';
import { KeyRing, parseKeyRing } from '@harbor/crypto';
import { settingsModule } from '@harbor/service-runtime';
import type { EmailSettings } from './channels/email.channel';
import type { PagerDutySettings } from './channels/pagerduty.channel';
import type { BreakerSettings } from './channels/resilient-sender';
import type { TwilioSettings } from './channels/twilio-sms.channel';
import type { WctpSettings } from './channels/wctp.channel';
import type { DispatchPolicy } from './dispatch/dispatch-policy';
import { NotificationEnv } from './notification.env';
import { PageTemplates, parseTemplates } from './offers/page-templates';

/** Where Twilio POSTs delivery receipts, under NOTIFY_PUBLIC_BASE_URL. */
export const STATUS_CALLBACK_PATH = '/webhooks/twilio/status';

/** The signed links in pages and SMS answers: the key that signs them, where they point, how long they outlive the offer. */
export class LinkSettings {
  constructor(
    readonly secret: string,
    /** NOTIFY_PUBLIC_BASE_URL without a trailing slash. */
    readonly publicBaseUrl: string,
    readonly graceMinutes: number,
    /** How long an encounter page link (`/e/`) works from when it is sent (NOTIFY_ENCOUNTER_LINK_DAYS). */
    readonly encounterLinkDays: number,
  ) {}
}

/**
 * The keys of supporters' phone-number digests (offers, SMS replies, opt-outs). `legacyKey` (the link secret)
 * only recognises digests made before NOTIFY_SMS_HASH_KEY existed; nothing new is written with it.
 */
export class SmsHashKeys {
  constructor(
    readonly key: string,
    readonly legacyKey: string,
  ) {}
}

/** The offer page's text per program and language (NOTIFY_TEMPLATES, or the built-in English template). */
export class OfferPageTemplates {
  constructor(readonly templates: PageTemplates) {}
}

/** The keys that open released contacts (and seal the ones that arrive in clear), and how long they are kept. */
export class ReleasedContactSettings {
  constructor(
    readonly keys: KeyRing,
    readonly retentionHours: number,
  ) {}
}

/** How long a staff page (escalation, reminder) is retried before it is reported failed. */
export class StaffPageSettings {
  constructor(readonly deadlineMinutes: number) {}
}

/** The providers this deployment configured (each only when its settings are complete), and the console fallback. */
export class ChannelSettings {
  constructor(
    readonly providers: { sms?: TwilioSettings; pager?: WctpSettings; pagerDuty?: PagerDutySettings; email?: EmailSettings },
    /** Print pages of unconfigured kinds to the console instead of failing over (development only). */
    readonly consoleFallback: boolean,
  ) {}
}

/** One circuit breaker per provider. */
export class ProviderBreakerSettings {
  constructor(readonly breakers: BreakerSettings) {}
}

/** The Twilio account inbound messages are looked up in; no credentials, no lookups (and no SMS replies). */
export class TwilioAccount {
  constructor(
    readonly baseUrl: string,
    readonly timeoutMs: number,
    readonly accountSid?: string,
    readonly authToken?: string,
  ) {}
}

/** Twilio's webhooks: the URL their signature covers, the token that makes it, and how old an inbound SMS may be. */
export class InboundSmsSettings {
  constructor(
    /** NOTIFY_PUBLIC_BASE_URL without a trailing slash. */
    readonly publicBaseUrl: string,
    readonly maxAgeSeconds: number,
    readonly authToken?: string,
  ) {}
}

/** The dispatcher: its wake-up connection and poll, the provider timeout its lease outlasts, and when to retry. */
export class DispatchSettings {
  constructor(
    readonly databaseUrl: string,
    readonly pollMs: number,
    readonly providerTimeoutMs: number,
    readonly policy: DispatchPolicy,
  ) {}
}

/** How long a finished page keeps the addresses it was sent to (NOTIFY_DISPATCH_RETENTION_DAYS). */
export class DispatchRetention {
  constructor(readonly days: number) {}
}

export function channelSettingsFrom(env: NotificationEnv): ChannelSettings {
  const timeoutMs = env.NOTIFY_PROVIDER_TIMEOUT_MS;
  const providers: ChannelSettings['providers'] = {};
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER) {
    providers.sms = {
      baseUrl: env.TWILIO_BASE_URL, accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, fromNumber: env.TWILIO_FROM_NUMBER, timeoutMs,
      statusCallbackUrl: env.TWILIO_STATUS_CALLBACKS ? `${env.publicBaseUrl}${STATUS_CALLBACK_PATH}` : undefined,
    };
  }
  if (env.WCTP_URL) providers.pager = { url: env.WCTP_URL, senderId: env.WCTP_SENDER_ID, securityCode: env.WCTP_SECURITY_CODE, timeoutMs };
  if (env.PAGERDUTY_ROUTING_KEY) providers.pagerDuty = { eventsUrl: env.PAGERDUTY_EVENTS_URL, defaultRoutingKey: env.PAGERDUTY_ROUTING_KEY, timeoutMs };
  if (env.SMTP_URL) providers.email = { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, timeoutMs };
  return new ChannelSettings(providers, env.NOTIFY_CONSOLE_FALLBACK);
}

export function smsHashKeysFrom(env: NotificationEnv): SmsHashKeys {
  return new SmsHashKeys(env.NOTIFY_SMS_HASH_KEY, env.NOTIFY_LINK_SECRET);
}

/**
 * Turns notification's settings into one typed object per feature, so a feature holds only what it uses and no
 * feature reads NOTIFY_* or provider names.
 */
@Module({})
export class NotificationSettingsModule {
  static forRoot(env: NotificationEnv): DynamicModule {
    return settingsModule(NotificationSettingsModule, [
      new LinkSettings(env.NOTIFY_LINK_SECRET, env.publicBaseUrl, env.NOTIFY_LINK_GRACE_MINUTES, env.NOTIFY_ENCOUNTER_LINK_DAYS),
      smsHashKeysFrom(env),
      new OfferPageTemplates(parseTemplates(env.NOTIFY_TEMPLATES)),
      new ReleasedContactSettings(parseKeyRing(env.CONTACT_ENCRYPTION_KEYS), env.NOTIFY_CONTACT_RETENTION_HOURS),
      new StaffPageSettings(env.NOTIFY_STAFF_PAGE_DEADLINE_MINUTES),
      new DispatchRetention(env.NOTIFY_DISPATCH_RETENTION_DAYS),
      channelSettingsFrom(env),
      new ProviderBreakerSettings({
        errorThresholdPercentage: env.NOTIFY_BREAKER_ERROR_PERCENT,
        volumeThreshold: env.NOTIFY_BREAKER_VOLUME,
        resetTimeout: env.NOTIFY_BREAKER_RESET_MS,
        trialWaitMs: env.NOTIFY_PROVIDER_TIMEOUT_MS,
      }),
      new TwilioAccount(env.TWILIO_BASE_URL, env.NOTIFY_PROVIDER_TIMEOUT_MS, env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN),
      new InboundSmsSettings(env.publicBaseUrl, env.NOTIFY_SMS_REPLY_MAX_AGE_SECONDS, env.TWILIO_AUTH_TOKEN),
      new DispatchSettings(env.DATABASE_URL, env.NOTIFY_DISPATCH_POLL_MS, env.NOTIFY_PROVIDER_TIMEOUT_MS, {
        attemptsPerChannel: env.NOTIFY_SEND_ATTEMPTS, baseDelayMs: env.NOTIFY_RETRY_BASE_MS, maxDelayMs: env.NOTIFY_RETRY_MAX_MS,
        // Waiting pages are what tests a provider at a quiet time: no longer apart than the breaker's trials.
        maxPassWaitMs: env.NOTIFY_BREAKER_RESET_MS,
      }),
    ]);
  }
}
