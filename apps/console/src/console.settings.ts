import { DynamicModule, Module } from '@nestjs/common';
import { settingsModule } from '@harbor/service-runtime';
import { ConsoleEnv } from './console.env';

/** The console as an OpenID Connect client (authorization code + PKCE, confidential). */
export class OidcClientSettings {
  constructor(
    readonly issuer: string,
    readonly clientId: string,
    readonly clientSecret: string,
    readonly scope: string,
    /** Where the console is reached; the redirect URI is `<publicBaseUrl>/auth/callback`. */
    readonly publicBaseUrl: string,
  ) {}

  get redirectUri(): string {
    return `${this.publicBaseUrl}/auth/callback`;
  }
}

/** The session cookie's signing secret and the longest a session lasts. */
export class SessionSettings {
  constructor(
    readonly secret: string,
    readonly maxMinutes: number,
    /** Secure cookies when the console is reached over https. */
    readonly secureCookie: boolean,
    readonly databaseUrl: string,
  ) {}
}

/** The four services' base URLs, called server-side with the signed-in person's token. */
export class ServiceUrls {
  constructor(
    readonly intake: string,
    readonly matching: string,
    readonly notification: string,
    readonly reporting: string,
  ) {}
}

const trim = (url: string) => url.replace(/\/+$/, '');

@Module({})
export class ConsoleSettingsModule {
  static forRoot(env: ConsoleEnv): DynamicModule {
    const base = trim(env.CONSOLE_PUBLIC_BASE_URL);
    return settingsModule(ConsoleSettingsModule, [
      new OidcClientSettings(trim(env.CONSOLE_OIDC_ISSUER), env.CONSOLE_OIDC_CLIENT_ID, env.CONSOLE_OIDC_CLIENT_SECRET, env.CONSOLE_OIDC_SCOPE, base),
      new SessionSettings(env.CONSOLE_SESSION_SECRET, env.CONSOLE_SESSION_MAX_MINUTES, base.startsWith('https://'), env.DATABASE_URL),
      new ServiceUrls(trim(env.CONSOLE_INTAKE_URL), trim(env.CONSOLE_MATCHING_URL), trim(env.CONSOLE_NOTIFICATION_URL), trim(env.CONSOLE_REPORTING_URL)),
    ]);
  }
}
