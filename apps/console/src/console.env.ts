import { IsString, IsUrl, Matches, MinLength } from 'class-validator';
import { HttpsInProduction, IntSetting, NotDevelopmentDefaultInProduction, ServiceEnv } from '@harbor/config';

const absoluteUrl = () => IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an absolute http:// or https:// URL' });

/**
 * The console's settings. It signs program staff in through the hospital's OpenID Connect provider (authorization
 * code + PKCE) and calls the four services' APIs server-side with the signed-in person's access token; Kafka
 * settings it inherits are unused (it has no events).
 */
export class ConsoleEnv extends ServiceEnv {
  override HTTP_PORT = 3005;
  override METRICS_PORT = 9105;

  /** The OpenID Connect provider (its discovery document is at `<issuer>/.well-known/openid-configuration`). */
  @absoluteUrl()
  @HttpsInProduction("the hospital's OpenID Connect provider; the default is the development provider of `npm start`")
  CONSOLE_OIDC_ISSUER = 'http://127.0.0.1:3999';

  /** The console's client id at the provider. */
  @IsString()
  @MinLength(1)
  CONSOLE_OIDC_CLIENT_ID = 'harbor-console';

  /** The console's client secret at the provider (a confidential client: the secret never reaches a browser). */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @NotDevelopmentDefaultInProduction('harbor-console-development-secret')
  CONSOLE_OIDC_CLIENT_SECRET = 'harbor-console-development-secret';

  /**
   * Scopes asked for at sign-in: `openid` plus whatever the provider needs to issue an access token for the
   * Harbor API (`harbor` at the development provider; e.g. `api://harbor/.default` at Entra ID).
   */
  @IsString()
  @Matches(/(^|\s)openid(\s|$)/, { message: "must include 'openid'" })
  CONSOLE_OIDC_SCOPE = 'openid profile harbor';

  /** Where browsers reach the console; the redirect URI registered at the provider is `<this>/auth/callback`. */
  @absoluteUrl()
  @HttpsInProduction('the session cookie is Secure and the sign-in redirect carries an authorization code')
  CONSOLE_PUBLIC_BASE_URL = 'http://127.0.0.1:3005';

  /** Signs the session cookie. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @NotDevelopmentDefaultInProduction('harbor-console-development-session-secret-0001')
  CONSOLE_SESSION_SECRET = 'harbor-console-development-session-secret-0001';

  /** Longest a signed-in session lasts, minutes; it ends sooner when the access token expires. */
  @IntSetting(5, 24 * 60)
  CONSOLE_SESSION_MAX_MINUTES = 480;

  /** The services' API base URLs, called server-side with the signed-in person's token. */
  @absoluteUrl()
  CONSOLE_INTAKE_URL = 'http://127.0.0.1:3001';

  @absoluteUrl()
  CONSOLE_MATCHING_URL = 'http://127.0.0.1:3002';

  @absoluteUrl()
  CONSOLE_NOTIFICATION_URL = 'http://127.0.0.1:3003';

  @absoluteUrl()
  CONSOLE_REPORTING_URL = 'http://127.0.0.1:3004';
}
