import { ALL_ROLES, Role } from './roles';

/**
 * Where a token carries the caller's roles, and what the identity provider's names mean in Harbor. Identity
 * providers differ: Harbor's own issuer and Entra ID app roles use a top-level `roles` array, Keycloak puts
 * realm roles under `realm_access.roles` and client roles under `resource_access.<client>.roles`, Okta and
 * Entra ID security groups use `groups` (Entra: group object ids). See docs/identity.md.
 */
export interface RoleClaimSettings {
  /**
   * Claim paths, dotted (`realm_access.roles`); the roles found at each are added up. A claim whose whole name
   * contains dots (`https://harbor.example/roles`) is read as that name first.
   */
  paths: string[];
  /**
   * The provider's role or group names and the Harbor roles each grants. When set, only mapped names count,
   * so a group that merely happens to be called `ops` in the directory grants nothing. Unset: names must be
   * Harbor role names themselves.
   */
  map?: Record<string, Role[]>;
}

export const DEFAULT_ROLE_CLAIMS: RoleClaimSettings = { paths: ['roles'] };

/** The Harbor roles a verified token's claims grant; names Harbor does not know grant nothing. */
export function rolesFromClaims(claims: Record<string, unknown>, settings: RoleClaimSettings = DEFAULT_ROLE_CLAIMS): Role[] {
  const names = settings.paths.flatMap((path) => namesAt(claims, path));
  const granted = new Set<Role>();
  for (const name of names) {
    if (settings.map) for (const role of Object.hasOwn(settings.map, name) ? settings.map[name] : []) granted.add(role);
    else if (ALL_ROLES.includes(name as Role)) granted.add(name as Role);
  }
  return ALL_ROLES.filter((role) => granted.has(role));
}

/** Role or group names at one path: an array of strings or a single string; anything else is none. */
function namesAt(claims: Record<string, unknown>, path: string): string[] {
  const value = Object.hasOwn(claims, path) ? claims[path] : walk(claims, path.split('.'));
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function walk(value: unknown, segments: string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (!current || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Parses AUTH_ROLE_MAP: a JSON object from the provider's role or group name to a Harbor role or a list of
 * them, e.g. `{"harbor-admins": "program-admin", "5f0c…": ["program-director", "program-admin"]}`. Throws a
 * message naming what is wrong (never the whole value: group names are the hospital's directory).
 */
export function parseRoleMap(text: string): Record<string, Role[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON object from role or group names to Harbor roles');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must be a JSON object from role or group names to Harbor roles');
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0) throw new Error('maps no name to a role: leave it unset instead');
  const map: Record<string, Role[]> = {};
  for (const [name, target] of entries) {
    if (name.trim() === '') throw new Error('has an empty name');
    const roles = typeof target === 'string' ? [target] : target;
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => !ALL_ROLES.includes(role as Role))) {
      throw new Error(`maps "${name}" to something other than Harbor roles (${ALL_ROLES.join(', ')})`);
    }
    map[name] = roles as Role[];
  }
  return map;
}
