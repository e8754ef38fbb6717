import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, IsUrl, Matches, MinLength, Validate } from 'class-validator';
import { ContactEncryptionKeys, DEVELOPMENT_CONTACT_ENCRYPTION_KEYS, DiffersFrom, HttpsInProduction, NotDevelopmentDefaultInProduction, OffInProduction, ServiceEnv, IntSetting, toBoolean } from '@harbor/config';
import { PageTemplatesConstraint } from './offers/page-templates';

const ABSOLUTE_URL = [{ require_tld: false, require_protocol: true }, { message: 'must be an absolute URL' }] as const;

export class NotificationEnv extends ServiceEnv {
  override HTTP_PORT = 3003;
  override METRICS_PORT = 9103;

  /** Where supporters' phones (and Twilio's webhooks) reach this service; links and callback URLs start with it. */
  @IsUrl(...ABSOLUTE_URL)
  @HttpsInProduction('links in pages are credentials and carry a supporter to a clinician\'s contact')
  NOTIFY_PUBLIC_BASE_URL = 'http://127.0.0.1:3003';

  /** Signs accept/decline links. Set a long random value (or NOTIFY_LINK_SECRET_FILE) in every real deployment. */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @NotDevelopmentDefaultInProduction('harbor-development-link-secret', 'dev-only-notify-link-secret-CHANGE-ME-0001')
  NOTIFY_LINK_SECRET = 'harbor-development-link-secret';

  /**
   * Keys the digest of supporters' phone numbers (SMS replies, opt-outs): its own key, so the link secret
   * signs links and nothing else. Set a long random value (or NOTIFY_SMS_HASH_KEY_FILE) in every real
   * deployment. Digests made before it existed were keyed with NOTIFY_LINK_SECRET and are still recognised
   * (docs/notification.md, "SMS number digests").
   */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @NotDevelopmentDefaultInProduction('harbor-development-sms-hash-key')
  @DiffersFrom('NOTIFY_LINK_SECRET')
  NOTIFY_SMS_HASH_KEY = 'harbor-development-sms-hash-key';

  /**
   * Keys that open the contact details matching releases (`<id>:<base64 of 32 bytes>`, comma-separated; the
   * first seals what notification stores itself). The same keys as matching's. May come from CONTACT_ENCRYPTION_KEYS_FILE.
   */
  @ContactEncryptionKeys()
  CONTACT_ENCRYPTION_KEYS = DEVELOPMENT_CONTACT_ENCRYPTION_KEYS;

  /**
   * An inbound SMS (YES, NO, STOP, START…) written longer ago than this, by Twilio's record of the message,
   * is refused: a captured webhook cannot be replayed later. Each message id is also applied only once.
   */
  @IntSetting(30, 86_400)
  NOTIFY_SMS_REPLY_MAX_AGE_SECONDS = 600;

  /** Links stay valid this long after the offer's response deadline. */
  @IntSetting(0, 1440)
  NOTIFY_LINK_GRACE_MINUTES = 60;

  /**
   * An encounter link (`/e/`, sent after acceptance and in follow-up reminders) works this many days after it
   * was made, and never after the case closed (docs/notification.md, "The encounter page").
   */
  @IntSetting(1, 90)
  NOTIFY_ENCOUNTER_LINK_DAYS = 14;

  /**
   * "true": a channel kind this deployment has no provider for is printed by the console channel instead of
   * failing over to the supporter's next channel. For `npm start` and demos only, never production.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  @OffInProduction('it prints pages, with their signed links and the supporters\' addresses, to the log')
  NOTIFY_CONSOLE_FALLBACK = false;

  /**
   * Page templates per program and language, as JSON: {"default":{"en":"…"},"<program id>":{"es":"…"}}.
   * Only {code} and {link} may appear as placeholders. Unset: the built-in English template. May come from
   * NOTIFY_TEMPLATES_FILE.
   */
  @IsOptional()
  @IsString()
  @Validate(PageTemplatesConstraint)
  NOTIFY_TEMPLATES?: string;

  /** Sends per channel (the first included) before the next channel is tried. */
  @IntSetting(1, 10)
  NOTIFY_SEND_ATTEMPTS = 3;

  /** First retry delay; doubles per attempt with jitter, capped by NOTIFY_RETRY_MAX_MS. */
  @IntSetting(10, 60_000)
  NOTIFY_RETRY_BASE_MS = 500;

  /** Longest wait between two sends on one channel, Retry-After included (a longer Retry-After moves to the next channel). */
  @IntSetting(100, 600_000)
  NOTIFY_RETRY_MAX_MS = 30_000;

  /** Circuit breaker per provider: opens when this percentage of recent sends failed… */
  @IntSetting(1, 100)
  NOTIFY_BREAKER_ERROR_PERCENT = 50;

  /** …out of at least this many in the rolling window (10 s)… */
  @IntSetting(1, 1000)
  NOTIFY_BREAKER_VOLUME = 5;

  /**
   * …and lets one trial send through after this long. Pages wait for that trial while the provider is down
   * (and, at a quiet time, are themselves the trial, never further apart), so this is also how long after the
   * provider's return its waiting pages may still wait: 5 s keeps recovery within 10 s (chaos tier).
   */
  @IntSetting(100, 600_000)
  NOTIFY_BREAKER_RESET_MS = 5_000;

  /**
   * A staff page (coordinator escalation, follow-up reminder) is retried across its channels until it is
   * delivered or this many minutes after it arrived; then it is reported failed (event, staff API, alert).
   */
  @IntSetting(1, 1440)
  NOTIFY_STAFF_PAGE_DEADLINE_MINUTES = 30;

  /** The dispatcher is woken by NOTIFY on commit; this poll only catches retries that came due and missed wake-ups. */
  @IntSetting(50, 60_000)
  NOTIFY_DISPATCH_POLL_MS = 1000;

  /**
   * Days a finished page keeps the addresses it was sent to (supporters' and staff's numbers, emails, pager ids);
   * then only the channel kinds stay.
   */
  @IntSetting(1, 3650)
  NOTIFY_DISPATCH_RETENTION_DAYS = 30;

  /** A clinician's released contact details are deleted this long after they arrived, or when the offer closes. */
  @IntSetting(1, 720)
  NOTIFY_CONTACT_RETENTION_HOURS = 72;

  @IntSetting(100, 60_000)
  NOTIFY_PROVIDER_TIMEOUT_MS = 5000;

  /** Twilio-compatible REST API; point it at a local server in tests or an air-gapped relay. */
  @IsUrl(...ABSOLUTE_URL)
  @HttpsInProduction('the Twilio account credentials travel with every request')
  TWILIO_BASE_URL = 'https://api.twilio.com';

  /** SMS is configured only when this, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are set. */
  @IsOptional()
  @IsString()
  TWILIO_ACCOUNT_SID?: string;

  /** Also the key that signs Twilio's webhooks to us (X-Twilio-Signature). May come from TWILIO_AUTH_TOKEN_FILE. */
  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN?: string;

  @IsOptional()
  @IsString()
  TWILIO_FROM_NUMBER?: string;

  /** "true": each SMS asks Twilio to POST delivery receipts to <NOTIFY_PUBLIC_BASE_URL>/webhooks/twilio/status. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  TWILIO_STATUS_CALLBACKS = true;

  /** NOTIFY_PUBLIC_BASE_URL without a trailing slash, for building links and callback URLs. */
  get publicBaseUrl(): string {
    return this.NOTIFY_PUBLIC_BASE_URL.replace(/\/$/, '');
  }

  /** WCTP 1.3 endpoint of the hospital paging gateway (wctp-SubmitRequest is POSTed here). Unset: no pager channel. */
  @IsOptional()
  @IsUrl(...ABSOLUTE_URL)
  @HttpsInProduction('the WCTP security code travels with every request')
  WCTP_URL?: string;

  /** senderID in wctp-Originator. */
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,128}$/, { message: 'must be 1-128 letters, digits or . _ @ -' })
  WCTP_SENDER_ID = 'harbor';

  /** securityCode in wctp-Originator, when the gateway requires one (a secret; WCTP_SECURITY_CODE_FILE). */
  @IsOptional()
  @IsString()
  WCTP_SECURITY_CODE?: string;

  /** PagerDuty Events API v2 base URL (`/v2/enqueue` is appended). */
  @IsUrl(...ABSOLUTE_URL)
  @HttpsInProduction('the routing key travels with every request')
  PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

  /**
   * Default integration (routing) key; the pagerduty channel is configured only when this is set. A supporter's
   * non-empty pagerduty address is used as their own routing key instead. May come from PAGERDUTY_ROUTING_KEY_FILE.
   */
  @IsOptional()
  @IsString()
  PAGERDUTY_ROUTING_KEY?: string;

  /** SMTP server as a URL, e.g. smtps://user:pass@mail.example.org:465 (SMTP_URL_FILE for the secret). Unset: no email channel. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] }, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsEmail({ allow_display_name: true, require_tld: false }, { message: 'must be an email address' })
  SMTP_FROM = 'harbor@localhost';
}
