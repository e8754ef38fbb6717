import { createRemoteJWKSet, jwtVerify, JWTPayload } from 'jose';
import { Role } from './roles';
import { DEFAULT_ROLE_CLAIMS, RoleClaimSettings, rolesFromClaims } from './role-claims';

export interface AuthSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Where the roles are in a token and how the provider's names map to Harbor roles (AUTH_ROLES_CLAIM, AUTH_ROLE_MAP). */
  roleClaims?: RoleClaimSettings;
}

export interface Principal {
  subject: string;
  roles: Role[];
  /** How the caller proved who it is: a bearer token, or a request signature checked by the app itself. */
  authenticatedBy: 'bearer-token' | 'signature';
}

export class InvalidTokenError extends Error {}

/** Verifies bearer tokens against the issuer's published keys (cached and refreshed by jose). */
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: AuthSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000 });
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      }));
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    if (!payload.sub) throw new InvalidTokenError('token has no subject');
    return { subject: payload.sub, roles: rolesFromClaims(payload, this.settings.roleClaims ?? DEFAULT_ROLE_CLAIMS), authenticatedBy: 'bearer-token' };
  }
}
