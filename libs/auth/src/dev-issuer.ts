import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { ALL_ROLES, Role } from './roles';

/** The supporter id `npm start`'s demo seeds first (scripts/stack/demo.js); the printed supporter token's subject. */
export const DEMO_SUPPORTER_ID = 'demo-supporter-1';

export interface DevTokenIssuerOptions {
  host?: string;
  port?: number;
  audience?: string;
  /** The URL it names itself by (the `iss` claim); default `http://<host>:<port>`. Compose sets the container's URL. */
  issuer?: string;
  /** Also serve a token per role at GET /tokens.json (for Compose, where nobody can call `issue`). */
  publishTokens?: boolean;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A local OpenID-style token issuer for development, tests and Docker Compose: it publishes a JWKS and signs
 * tokens for any role. Never deployed: production points AUTH_ISSUER / AUTH_JWKS_URL at the hospital's
 * identity provider.
 */
export class DevTokenIssuer {
  /** What GET /tokens.json serves, when started with `publishTokens`. */
  publishedTokens?: Record<Role, string>;
  /** Where requests the issuer does not answer go (see serveOtherRequestsWith). */
  private otherRequests?: RequestHandler;

  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyLike,
    /** The private signing key as a JWK (kid `harbor-dev`), for a development OpenID provider that must sign as this issuer. */
    readonly signingJwk: JWK,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  /**
   * Hands every request the issuer does not answer itself (and the discovery document) to `handler`: the console's
   * development OpenID provider runs on the same origin and key, so its access tokens are this issuer's tokens.
   */
  serveOtherRequestsWith(handler: RequestHandler): void {
    this.otherRequests = handler;
  }

  static async start(options: DevTokenIssuerOptions = {}): Promise<DevTokenIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'harbor-dev', alg: 'ES256', use: 'sig' };
    const signingJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'harbor-dev', alg: 'ES256', use: 'sig' };
    const host = options.host ?? '127.0.0.1';
    // Filled in once listening: the issuer's name may depend on the port it got.
    const ready: { issuer?: DevTokenIssuer } = {};
    const server = createServer((request, response) => {
      const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2));
      const { issuer } = ready;
      if (!issuer) return response.writeHead(503).end();
      if (request.url === '/.well-known/jwks.json') return json({ keys: [jwk] });
      if (request.url === '/health') return json({ status: 'ok' });
      if (request.url === '/tokens.json' && issuer.publishedTokens) return json(issuer.publishedTokens);
      if (issuer.otherRequests) return issuer.otherRequests(request, response);
      if (request.url === '/.well-known/openid-configuration') return json({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl });
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const name = (options.issuer ?? `http://${host}:${(server.address() as AddressInfo).port}`).replace(/\/$/, '');
    const issuer = new DevTokenIssuer(server, privateKey, signingJwk, name, options.audience ?? 'harbor');
    if (options.publishTokens) issuer.publishedTokens = await issuer.tokensForEveryRole();
    ready.issuer = issuer;
    return issuer;
  }

  get jwksUrl(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  async issue(roles: Role[], subject = `dev-${roles.join('+')}`, ttl = '12h'): Promise<string> {
    return this.issueWith({ roles, subject, expiresIn: ttl });
  }

  /**
   * A token signed with this issuer's key but with claims and header chosen by the caller: for tests that
   * prove what the services refuse (an expired token, another issuer or audience, an unknown key id).
   */
  async issueWith(options: {
    roles?: Role[];
    /** Claims of the caller's choosing, e.g. shaped like another identity provider's (`realm_access`, `groups`). */
    claims?: Record<string, unknown>;
    subject?: string;
    issuer?: string;
    audience?: string;
    expiresIn?: string | number;
    kid?: string;
  }): Promise<string> {
    const token = new SignJWT({ ...(options.roles ? { roles: options.roles } : {}), ...options.claims })
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'harbor-dev' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '12h');
    if (options.subject !== '') token.setSubject(options.subject ?? `dev-${(options.roles ?? []).join('+') || 'claims'}`);
    return token.sign(this.privateKey);
  }

  /**
   * One token per Harbor role, subject `dev-<role>`, except the supporter's: its subject is the demo's first
   * supporter (DEMO_SUPPORTER_ID, seeded by `npm start`'s demo and the one its physician case is offered to), so
   * the printed token can record that case's outcome through matching's API.
   */
  async tokensForEveryRole(): Promise<Record<Role, string>> {
    const tokens = await Promise.all(ALL_ROLES.map(async (role) => [role, await this.issue([role], role === Role.Supporter ? DEMO_SUPPORTER_ID : undefined)] as const));
    return Object.fromEntries(tokens) as Record<Role, string>;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
