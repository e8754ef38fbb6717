import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { Role } from './roles';

/**
 * A local OpenID-style token issuer for development and tests: it publishes a JWKS and signs tokens for
 * any role. Never deployed: production points AUTH_ISSUER / AUTH_JWKS_URL at the hospital's identity provider.
 */
export class DevTokenIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyLike,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async start(options: { host?: string; port?: number; audience?: string } = {}): Promise<DevTokenIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'harbor-dev', alg: 'ES256', use: 'sig' };
    const host = options.host ?? '127.0.0.1';
    let issuer = '';
    const server = createServer((request, response) => {
      if (request.url === '/.well-known/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else if (request.url === '/.well-known/openid-configuration') {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` }));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
    return new DevTokenIssuer(server, privateKey, issuer, options.audience ?? 'harbor');
  }

  get jwksUrl(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  async issue(roles: Role[], subject = `dev-${roles.join('+')}`, ttl = '12h'): Promise<string> {
    return new SignJWT({ roles })
      .setProtectedHeader({ alg: 'ES256', kid: 'harbor-dev' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(this.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
