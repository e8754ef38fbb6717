import { parseRoleMap, rolesFromClaims } from './role-claims';
import { Role } from './roles';

describe('rolesFromClaims', () => {
  it('reads a top-level roles array by default and ignores names Harbor does not know', () => {
    expect(rolesFromClaims({ roles: ['program-admin', 'offline_access', 'ops'] })).toEqual([Role.ProgramAdmin, Role.Ops]);
    expect(rolesFromClaims({ realm_access: { roles: ['program-admin'] } })).toEqual([]);
  });

  it('follows a dotted path (Keycloak realm and client roles) and adds up several paths', () => {
    const keycloak = { realm_access: { roles: ['default-roles-hospital', 'qs-analyst'] }, resource_access: { harbor: { roles: ['program-director'] }, account: { roles: ['manage-account'] } } };
    expect(rolesFromClaims(keycloak, { paths: ['realm_access.roles'] })).toEqual([Role.QsAnalyst]);
    expect(rolesFromClaims(keycloak, { paths: ['resource_access.harbor.roles'] })).toEqual([Role.ProgramDirector]);
    expect(rolesFromClaims(keycloak, { paths: ['realm_access.roles', 'resource_access.harbor.roles'] })).toEqual([Role.ProgramDirector, Role.QsAnalyst]);
  });

  it('reads a claim whose own name has dots (a namespaced claim) before trying it as a path', () => {
    expect(rolesFromClaims({ 'https://harbor.example/roles': ['supporter'] }, { paths: ['https://harbor.example/roles'] })).toEqual([Role.Supporter]);
  });

  it('accepts a single string where a provider writes one role without an array', () => {
    expect(rolesFromClaims({ groups: 'ops' }, { paths: ['groups'] })).toEqual([Role.Ops]);
  });

  it('finds nothing at a path that is missing, not a list, or goes through a non-object', () => {
    for (const claims of [{}, { realm_access: 'qs-analyst-but-not-an-object' }, { realm_access: { roles: { 0: 'ops' } } }, { realm_access: [{ roles: ['ops'] }] }, { realm_access: { roles: [7, null, { role: 'ops' }] } }]) {
      expect(rolesFromClaims(claims, { paths: ['realm_access.roles'] })).toEqual([]);
    }
  });

  it('with a map, grants only what mapped names say (Okta group names, Entra ID group ids), never an unmapped Harbor role name', () => {
    const map = { 'Harbor Program Admins': [Role.ProgramAdmin], '5f0c2a9e-1b7d-4c31-9a55-0d2e8c1f4b6a': [Role.ProgramDirector, Role.ProgramAdmin] };
    expect(rolesFromClaims({ groups: ['Everyone', 'Harbor Program Admins'] }, { paths: ['groups'], map })).toEqual([Role.ProgramAdmin]);
    expect(rolesFromClaims({ groups: ['5f0c2a9e-1b7d-4c31-9a55-0d2e8c1f4b6a'] }, { paths: ['groups'], map })).toEqual([Role.ProgramAdmin, Role.ProgramDirector]);
    expect(rolesFromClaims({ groups: ['ops', 'program-admin'] }, { paths: ['groups'], map })).toEqual([]);
  });

  it('does not let inherited object properties stand in for claims or map entries', () => {
    expect(rolesFromClaims({ groups: ['constructor', 'toString'] }, { paths: ['groups'], map: { admins: [Role.ProgramAdmin] } })).toEqual([]);
    expect(rolesFromClaims({}, { paths: ['constructor.name'] })).toEqual([]);
  });
});

describe('parseRoleMap', () => {
  it('takes a role or a list of roles per name', () => {
    expect(parseRoleMap('{"admins":"program-admin","leads":["program-director","qs-analyst"]}')).toEqual({
      admins: [Role.ProgramAdmin],
      leads: [Role.ProgramDirector, Role.QsAnalyst],
    });
  });

  it.each([
    ['not JSON', 'admins=program-admin', /JSON object/],
    ['an array', '["program-admin"]', /JSON object/],
    ['empty', '{}', /maps no name/],
    ['an unknown role', '{"admins":"administrator"}', /maps "admins" to something other than Harbor roles/],
    ['an empty list', '{"admins":[]}', /maps "admins"/],
    ['an empty name', '{" ":"ops"}', /empty name/],
  ])('refuses %s, saying what is wrong', (_case, text, message) => {
    expect(() => parseRoleMap(text)).toThrow(message);
  });
});
