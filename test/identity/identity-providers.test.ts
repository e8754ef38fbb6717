import { DevTokenIssuer, JwtVerifier, parseRoleMap, Role } from '@harbor/auth';
import { loadConfig } from '@harbor/config';
import { ReportingEnv } from '../../apps/reporting/src/reporting.env';
import { HarborHarness } from '../support/harbor-harness';

/**
 * Tokens shaped like the ones Keycloak, Microsoft Entra ID and Okta issue, signed by the development issuer
 * and verified against its JWKS over HTTP, with the settings docs/identity.md gives for each provider.
 */
describe('roles from the identity provider of each kind', () => {
  let issuer: DevTokenIssuer;

  beforeAll(async () => {
    issuer = await DevTokenIssuer.start();
  });
  afterAll(async () => issuer?.stop());

  /** The verifier a service builds from these settings (the same path as ServiceRuntimeModule). */
  const verifierFor = (settings: Record<string, string>) => {
    const env = loadConfig(ReportingEnv, { AUTH_ISSUER: issuer.issuer, ...settings });
    return new JwtVerifier({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwksUrl: env.jwksUrl, roleClaims: env.roleClaims });
  };

  it('Keycloak: realm roles and the client\'s roles (AUTH_ROLES_CLAIM=realm_access.roles,resource_access.harbor.roles)', async () => {
    const token = await issuer.issueWith({
      subject: 'f1b6a0e2-6c0e-4d1e-9a8b-2f0c7d3e9a11',
      claims: {
        typ: 'Bearer', azp: 'harbor', preferred_username: 'jdoe', scope: 'openid profile',
        realm_access: { roles: ['default-roles-hospital', 'offline_access', 'program-admin'] },
        resource_access: { harbor: { roles: ['program-director'] }, account: { roles: ['manage-account', 'ops'] } },
      },
    });
    const keycloak = verifierFor({ AUTH_ROLES_CLAIM: 'realm_access.roles,resource_access.harbor.roles' });
    expect(await keycloak.verify(token)).toMatchObject({ subject: 'f1b6a0e2-6c0e-4d1e-9a8b-2f0c7d3e9a11', roles: [Role.ProgramAdmin, Role.ProgramDirector] });
    // With the default setting the same token carries no Harbor role: the roles are not at the top level.
    expect((await verifierFor({}).verify(token)).roles).toEqual([]);
  });

  it('Entra ID: app roles in `roles` (the default), or security groups by object id through AUTH_ROLE_MAP', async () => {
    const entraClaims = { ver: '2.0', tid: '72f988bf-86f1-41af-91ab-2d7cd011db47', oid: '00000000-0000-0000-66f3-3332eca7ea81', azp: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c' };
    const appRoles = await issuer.issueWith({ claims: { ...entraClaims, roles: ['qs-analyst'] } });
    expect((await verifierFor({}).verify(appRoles)).roles).toEqual([Role.QsAnalyst]);

    const groups = await issuer.issueWith({ claims: { ...entraClaims, groups: ['9a7c1e54-0d3b-4f0e-8d1e-1c2b3a4d5e6f', 'b1d2e3f4-0000-4000-8000-000000000001'] } });
    const byGroup = verifierFor({ AUTH_ROLES_CLAIM: 'groups', AUTH_ROLE_MAP: '{"9a7c1e54-0d3b-4f0e-8d1e-1c2b3a4d5e6f":["program-admin","program-director"]}' });
    expect((await byGroup.verify(groups)).roles).toEqual([Role.ProgramAdmin, Role.ProgramDirector]);
  });

  it('Okta: group names through AUTH_ROLE_MAP; an unmapped group, even one named like a Harbor role, grants nothing', async () => {
    const okta = verifierFor({ AUTH_ROLES_CLAIM: 'groups', AUTH_ROLE_MAP: JSON.stringify({ 'Harbor Supporters': 'supporter', 'Harbor Ops': 'ops' }) });
    const supporter = await issuer.issueWith({ claims: { uid: '00u1a2b3c4D5e6F7g8h9', scp: ['openid'], groups: ['Everyone', 'Harbor Supporters'] } });
    expect((await okta.verify(supporter)).roles).toEqual([Role.Supporter]);
    const lookalike = await issuer.issueWith({ claims: { groups: ['Everyone', 'ops', 'program-admin'] } });
    expect((await okta.verify(lookalike)).roles).toEqual([]);
  });

  it('refuses a role map that names no Harbor role, before anything starts', () => {
    expect(() => loadConfig(ReportingEnv, { AUTH_ROLE_MAP: '{"Harbor Admins":"admin"}' })).toThrow(/AUTH_ROLE_MAP: maps "Harbor Admins"/);
    expect(parseRoleMap('{"Harbor Admins":"program-admin"}')).toEqual({ 'Harbor Admins': [Role.ProgramAdmin] });
  });
});

describe('a running service reads roles where AUTH_ROLES_CLAIM says', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['reporting'], env: { AUTH_ROLES_CLAIM: 'realm_access.roles' } });
  });
  afterAll(async () => harbor?.stop());

  it('admits a Keycloak-shaped token by its realm role and refuses one whose roles sit elsewhere', async () => {
    const call = async (claims: Record<string, unknown>) =>
      (await harbor.request('reporting', '/v1/metrics/summary', { headers: { authorization: `Bearer ${await harbor.tokenIssuer.issueWith({ claims })}` } })).status;
    expect(await call({ realm_access: { roles: ['qs-analyst'] } })).toBe(200);
    expect(await call({ roles: ['qs-analyst'] })).toBe(403);
    expect(await call({ realm_access: { roles: ['supporter'] } })).toBe(403);
  });
});
