// Development only, and never loaded by jest: oidc-provider is an ES module, which compiled CommonJS can
// require() on Node 20.19+ but ts-jest cannot. Only scripts/stack/dev-identity.js loads this file.
import Provider, { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { DevTokenIssuer } from './dev-issuer';
import { Role } from './roles';

/** The development users of the console's sign-in, one per role; any password is accepted. */
export const DEV_CONSOLE_USERS: Readonly<Record<string, { name: string; roles: Role[] }>> = Object.freeze({
  admin: { name: 'Ada Admin (program administrator)', roles: [Role.ProgramAdmin] },
  director: { name: 'Dana Director (program director)', roles: [Role.ProgramDirector] },
  analyst: { name: 'Quinn Analyst (Q&S analyst)', roles: [Role.QsAnalyst] },
  ops: { name: 'Olu Ops (operations)', roles: [Role.Ops] },
  supporter: { name: 'Sam Supporter (peer supporter)', roles: [Role.Supporter] },
});

/** The console's development client: the same values are the console's own development defaults (ConsoleEnv). */
export const DEV_CONSOLE_CLIENT = Object.freeze({ clientId: 'harbor-console', clientSecret: 'harbor-console-development-secret' });

/** The resource the console's access tokens are for: their `aud` is the services' AUTH_AUDIENCE. */
const HARBOR_API = 'urn:harbor:api';

export interface DevOpenIdProviderOptions {
  /** The console's client id and secret, and where it may send people back to. */
  clientId: string;
  clientSecret: string;
  consoleBaseUrls: string[];
  /** Lifetime of access tokens (and so of console sessions), seconds. */
  accessTokenTtlSeconds?: number;
}

/**
 * A development OpenID provider (oidc-provider, its built-in development sign-in pages) on the development token
 * issuer's own origin and key: authorization code + PKCE for the console, JWT access tokens with `aud` = the
 * issuer's audience and a `roles` claim, so the services accept the tokens the console relays exactly as they
 * accept the printed development tokens.
 */
export function startDevOpenIdProvider(issuer: DevTokenIssuer, options: DevOpenIdProviderOptions): Provider {
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.consoleBaseUrls.map((base) => `${base.replace(/\/$/, '')}/auth/callback`),
        post_logout_redirect_uris: options.consoleBaseUrls.map((base) => `${base.replace(/\/$/, '')}/signed-out`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [issuer.signingJwk as never] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile'],
    ttl: { AccessToken: ttl, AuthorizationCode: 60, IdToken: ttl, Session: ttl, Grant: ttl, Interaction: 600 },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => HARBOR_API,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'harbor',
          audience: issuer.audience,
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    async findAccount(_context, accountId) {
      const user = DEV_CONSOLE_USERS[accountId];
      return { accountId, claims: () => ({ sub: accountId, name: user?.name ?? accountId }) };
    },
    // The Harbor roles travel in the access token, where the services (and the console) read them.
    extraTokenClaims: (_context, token) => ({ roles: DEV_CONSOLE_USERS[(token as { accountId?: string }).accountId ?? '']?.roles ?? [] }),
    // A first-party client: no consent page; the grant covers sign-in and the Harbor API.
    async loadExistingGrant(context: KoaContextWithOIDC) {
      const { oidc } = context;
      const clientId = oidc.client!.clientId;
      const existing = oidc.session!.grantIdFor(clientId);
      if (existing) return oidc.provider.Grant.find(existing);
      const grant = new oidc.provider.Grant({ clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid profile');
      grant.addResourceScope(HARBOR_API, 'harbor');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer.issuer, configuration);
  issuer.serveOtherRequestsWith(provider.callback());
  return provider;
}
