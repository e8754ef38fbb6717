import { Injectable } from '@nestjs/common';
import type * as OpenIdClient from 'openid-client';
import { OidcClientSettings } from '../console.settings';

/**
 * openid-client is an ES module: compiled CommonJS require()s it on Node 20.19+, but ts-jest cannot. It is
 * loaded on first use, so tests (and the deployment checks) can load the console's module without it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const openIdClient = (): typeof OpenIdClient => require('openid-client');

export interface SignInStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignedIn {
  accessToken: string;
  idToken?: string;
  /** Epoch ms, when the provider said. */
  expiresAt?: number;
  /** The ID token's name for the person (name, preferred_username or subject). */
  name: string;
}

/**
 * The console as an OpenID Connect relying party (openid-client): authorization code flow with PKCE (S256),
 * state and nonce, a confidential client. The provider's metadata is discovered on first use, so the console
 * starts while the provider is still starting.
 */
@Injectable()
export class OidcClient {
  private configuration?: Promise<OpenIdClient.Configuration>;

  constructor(private readonly settings: OidcClientSettings) {}

  async start(): Promise<SignInStart> {
    const oidc = openIdClient();
    const config = await this.config();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the callback's code; throws when state, nonce, PKCE or the ID token do not check out. */
  async finish(callbackPathAndQuery: string, expected: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const oidc = openIdClient();
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackPathAndQuery, this.settings.publicBaseUrl), {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    const expiresIn = tokens.expiresIn();
    return {
      accessToken: tokens.access_token,
      idToken: tokens.id_token,
      expiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
      name: String(claims?.name ?? claims?.preferred_username ?? claims?.sub ?? 'signed in'),
    };
  }

  /** The provider's sign-out URL (RP-initiated logout) when it has one. */
  async signOutUrl(idToken: string | undefined, returnTo: string): Promise<string | undefined> {
    const oidc = openIdClient();
    const config = await this.config().catch(() => undefined);
    if (!config?.serverMetadata().end_session_endpoint) return undefined;
    const parameters: Record<string, string> = { post_logout_redirect_uri: returnTo, client_id: this.settings.clientId };
    if (idToken) parameters.id_token_hint = idToken;
    return oidc.buildEndSessionUrl(config, parameters).href;
  }

  private config(): Promise<OpenIdClient.Configuration> {
    const oidc = openIdClient();
    this.configuration ??= oidc
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, {
        // Plain http only for the development provider: production requires an https:// CONSOLE_OIDC_ISSUER.
        execute: this.settings.issuer.startsWith('http://') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }
}
