import { SetMetadata, applyDecorators } from '@nestjs/common';

/** Everyone who may call Harbor over HTTP, as named in the program's model. */
export enum Role {
  SourceSystem = 'source-system',
  Supporter = 'supporter',
  ProgramAdmin = 'program-admin',
  ProgramDirector = 'program-director',
  QsAnalyst = 'qs-analyst',
  Ops = 'ops',
}

export const ALL_ROLES = Object.values(Role);

export const ROLES_KEY = 'harbor:roles';
export const PUBLIC_KEY = 'harbor:public';

/** The roles allowed to call this route (any one of them suffices). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * A route that needs no bearer token, with the reason written down where it is declared
 * (health probes, Prometheus scrapes, signed single-use links that carry their own proof).
 */
export const PublicRoute = (reason: string) => applyDecorators(SetMetadata(PUBLIC_KEY, reason));
