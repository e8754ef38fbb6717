import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { defaultPolicy, MatchingEnv } from '../matching.env';
import { MatchingPolicy } from './policy';

export const DEFAULT_PROGRAM = 'default';

/** Programs' policies: environment defaults, overridden field by field by what staff stored with PUT /v1/policy. */
@Injectable()
export class ProgramPolicies {
  /** The environment does not change while the service runs: its defaults are built once. */
  private readonly environmentDefaults: MatchingPolicy;

  constructor(@Inject(SERVICE_ENV) env: MatchingEnv) {
    this.environmentDefaults = defaultPolicy(env);
  }

  defaults(): MatchingPolicy {
    return { ...this.environmentDefaults };
  }

  /** The program that serves a facility: the one listing it, else the default program. */
  async programFor(manager: EntityManager, facility: string): Promise<string> {
    const [row] = await manager.query(
      `SELECT "program" FROM "matching"."program_policies" WHERE $1 = ANY("facilities") ORDER BY "program" LIMIT 1`,
      [facility],
    );
    return row?.program ?? DEFAULT_PROGRAM;
  }

  async policyOf(manager: EntityManager, program: string): Promise<MatchingPolicy> {
    const [row] = await manager.query(`SELECT "policy" FROM "matching"."program_policies" WHERE "program" = $1`, [program]);
    return this.withOverrides(row?.policy);
  }

  /** The defaults with a program's stored overrides applied field by field. */
  withOverrides(overrides: Partial<MatchingPolicy> | null | undefined): MatchingPolicy {
    return { ...this.environmentDefaults, ...(overrides ?? {}) };
  }
}
