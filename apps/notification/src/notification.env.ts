import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { ServiceEnv, toInt } from '@harbor/config';

export class NotificationEnv extends ServiceEnv {
  /** 0 picks any free port (used by tests). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3003;

  /** Where supporters' phones reach this service; accept/decline links in pages start with it. */
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'must be an absolute URL' })
  NOTIFY_PUBLIC_BASE_URL = 'http://127.0.0.1:3003';

  /** Signs accept/decline links. Set a long random value (or NOTIFY_LINK_SECRET_FILE) in every real deployment. */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  NOTIFY_LINK_SECRET = 'harbor-development-link-secret';

  /** Links stay valid this long after the offer's response deadline. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1440)
  NOTIFY_LINK_GRACE_MINUTES = 60;

  /** Twilio-compatible REST API; point it at a local server in tests or an air-gapped relay. */
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'must be an absolute URL' })
  TWILIO_BASE_URL = 'https://api.twilio.com';

  /** When unset, SMS pages are printed by the console channel instead of sent. */
  @IsOptional()
  @IsString()
  TWILIO_ACCOUNT_SID?: string;

  @IsOptional()
  @IsString()
  TWILIO_AUTH_TOKEN?: string;

  @IsOptional()
  @IsString()
  TWILIO_FROM_NUMBER?: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  NOTIFY_PROVIDER_TIMEOUT_MS = 5000;
}
