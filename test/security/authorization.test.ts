import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { ALL_ROLES, Role } from '@harbor/auth';
import { HarborHarness, ServiceName } from '../support/harbor-harness';
import { servedRoutes } from '../support/served-routes';
import { Access, ROUTE_ACCESS, routeAccessMarkdown } from './route-access';

const SERVICES = Object.keys(ROUTE_ACCESS) as ServiceName[];

/** A concrete URL for a route pattern: path parameters get values that name nothing that exists. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => (name === 'token' ? 'not-a-link-token' : randomUUID()));
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Proof of the role table: every route of every service, discovered from the running apps, is called with a
 * token of every role, with no token and with every kind of bad token, and must answer as ROUTE_ACCESS says:
 * 403 for a role it does not admit, 401 without a valid token, and for an admitted role anything but 401/403
 * (or a 5xx). Public routes must never ask for a token. A route nobody declared fails the test.
 */
describe('authorization: every route × every role × bad tokens', () => {
  let harbor: HarborHarness;
  const served = {} as Record<ServiceName, string[]>;
  const badTokens: Record<string, string> = {};

  beforeAll(async () => {
    harbor = await HarborHarness.start();
    for (const service of SERVICES) served[service] = servedRoutes(harbor.apps[service]);

    // Each bad token claims every role, so only its own flaw can be the reason it is refused.
    const issuer = harbor.tokenIssuer;
    const roles = [...ALL_ROLES];
    const valid = await issuer.issueWith({ roles });
    const [header, payload, signature] = valid.split('.');
    const strangerKeys = await generateKeyPair('ES256');
    Object.assign(badTokens, {
      expired: await issuer.issueWith({ roles, expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      'wrong issuer': await issuer.issueWith({ roles, issuer: 'https://evil.example' }),
      'wrong audience': await issuer.issueWith({ roles, audience: 'another-app' }),
      'no subject': await issuer.issueWith({ roles, subject: '' }),
      'unknown kid': await issuer.issueWith({ roles, kid: 'not-a-harbor-key' }),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'tampered payload': `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' })}.${signature}`,
      'tampered signature': `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`,
      'another key, known kid': await new SignJWT({ roles })
        .setProtectedHeader({ alg: 'ES256', kid: 'harbor-dev' })
        .setIssuer(issuer.issuer).setAudience(issuer.audience).setSubject('forger').setIssuedAt().setExpirationTime('1h')
        .sign(strangerKeys.privateKey),
      'HS256 with the public key as secret': `${b64({ alg: 'HS256', kid: 'harbor-dev' })}.${payload}.${signature}`,
      'not a JWT': 'not.a.jwt',
    });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  /** The served routes whose declared access is of one kind, with their declaration. */
  function servedRoutesThatAre<K extends 'roles' | 'public'>(kind: K): { service: ServiceName; route: string; access: Extract<Access, Record<K, unknown>> }[] {
    return SERVICES.flatMap((service) =>
      served[service]
        .map((route) => ({ service, route, access: ROUTE_ACCESS[service][route] }))
        .filter((entry): entry is { service: ServiceName; route: string; access: Extract<Access, Record<K, unknown>> } => entry.access !== undefined && kind in entry.access),
    );
  }

  async function call(service: ServiceName, route: string, authorization?: string): Promise<{ status: number; body: string }> {
    const [method, path] = route.split(' ');
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    const withBody = method === 'POST' || method === 'PUT';
    if (withBody) headers['content-type'] = 'application/json';
    const response = await fetch(`${harbor.urls[service]}${concrete(path)}`, { method, headers, body: withBody ? '{}' : undefined, redirect: 'manual' });
    return { status: response.status, body: await response.text() };
  }

  it('every route served has a declared row, and every row is served', () => {
    for (const service of SERVICES) {
      const declared = Object.keys(ROUTE_ACCESS[service]).sort();
      expect({ service, routes: [...new Set(served[service])].sort() }).toEqual({ service, routes: declared });
    }
  });

  it('each role gets exactly what the table admits', async () => {
    const wrong: unknown[] = [];
    for (const { service, route, access } of servedRoutesThatAre('roles')) {
      for (const role of ALL_ROLES) {
        const { status, body } = await call(service, route, `Bearer ${await harbor.token(role)}`);
        const admitted = access.roles.includes(role);
        const ok = admitted ? status !== 401 && status !== 403 && status < 500 : status === 403;
        if (!ok) wrong.push({ service, route, role, admitted, status, body: body.slice(0, 200) });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no token, or any bad token, is 401 on every route that is not public', async () => {
    const wrong: unknown[] = [];
    const attempts: [string, string | undefined][] = [
      ['none', undefined],
      ['empty bearer', 'Bearer '],
      ['basic auth', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      ...Object.entries(badTokens).map(([name, token]): [string, string] => [name, `Bearer ${token}`]),
    ];
    for (const { service, route } of servedRoutesThatAre('roles')) {
      for (const [name, authorization] of attempts) {
        const { status, body } = await call(service, route, authorization);
        if (status !== 401) wrong.push({ service, route, token: name, status, body: body.slice(0, 200) });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('public routes never ask for a token, with or without one', async () => {
    const wrong: unknown[] = [];
    for (const { service, route } of servedRoutesThatAre('public')) {
      for (const authorization of [undefined, `Bearer ${badTokens.expired}`, `Bearer ${await harbor.token(Role.Ops)}`]) {
        const { status, body } = await call(service, route, authorization);
        // Their own checks may refuse (a bad link, a missing Twilio signature), never the roles guard.
        if (status === 401 || status >= 500 || /This route (is for|declares no roles)|A bearer token is required|Invalid token:/.test(body)) {
          wrong.push({ service, route, status, body: body.slice(0, 200) });
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('docs/security.md shows the same table', () => {
    const security = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    const table = /<!-- ROUTE-ACCESS:START -->\n([\s\S]*?)\n<!-- ROUTE-ACCESS:END -->/.exec(security)?.[1];
    expect(table).toBe(routeAccessMarkdown());
  });
});
