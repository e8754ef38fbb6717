import { SetMetadata, applyDecorators } from '@nestjs/common';

/**
 * Everyone who may call Harbor over HTTP, as named in the program's model, and what each is for. Routes
 * declare the roles they admit with `@Roles`; the full table of who may call what is in docs/security.md and
 * is enforced route by route by test/security/authorization.test.ts.
 */
export enum Role {
  /**
   * A hospital system (incident reporting, risk management, a referral portal): submits triggers and learns
   * only that they were accepted. It never reads anything back and never changes a clinician's opt-out.
   */
  SourceSystem = 'source-system',
  /** A trained peer supporter: records structured outcomes of the cases it accepted, nothing else. */
  Supporter = 'supporter',
  /**
   * The program administrator: the clinician directory, the supporter roster, the triage queue, referrals,
   * cases, and opt-outs on a clinician's request.
   */
  ProgramAdmin = 'program-admin',
  /** The program director: cases, the matching policy, supporter recognition, program reports, opt-outs. */
  ProgramDirector = 'program-director',
  /** A quality & safety analyst: aggregate reports with small-cell suppression, nothing per case or person. */
  QsAnalyst = 'qs-analyst',
  /**
   * Operations: one API route, the staff-page status list (`GET /v1/staff-pages`: ids and channel kinds, so
   * on-call can call a coordinator whose escalation page failed). Otherwise ops reads metrics on each
   * service's separate metrics port, logs and Kafka with the platform's own access controls.
   */
  Ops = 'ops',
}

/**
 * Program staff. Opt-outs belong to the clinician, who asks the program for them; staff record them. Incident
 * feeds (source systems) may not add or remove anyone's opt-out.
 */
export const PROGRAM_STAFF: readonly Role[] = [Role.ProgramAdmin, Role.ProgramDirector];

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
