import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { readOncePerTransaction } from '@harbor/persistence';
import { PolicyDefaults } from '../matching.settings';
import { MatchingPolicy } from './policy';

export const DEFAULT_PROGRAM = 'default';

/**
 * Programs' policies: environment defaults, overridden field by field by what staff stored with PUT /v1/policy.
 * The one owner of `"matching"."program_policies"`.
 */
@Injectable()
export class ProgramPolicies {
  /** The environment does not change while the service runs: its defaults are built once. */
  private readonly environmentDefaults: MatchingPolicy;

  constructor(
    defaults: PolicyDefaults,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.environmentDefaults = defaults.policy;
  }

  defaults(): MatchingPolicy {
    return { ...this.environmentDefaults };
  }

  /**
   * The program that serves a facility and its policy, in one statement, read once per transaction: a consumer
   * applies a chunk of support requests in one transaction, and they nearly all name the same few facilities. A
   * policy saved meanwhile applies from the next transaction on (as if the chunk had been applied a moment earlier).
   */
  async programAndPolicyFor(manager: EntityManager, facility: string): Promise<{ program: string; policy: MatchingPolicy }> {
    return readOncePerTransaction(manager, `program_policies:facility:${facility}`, async () => {
      const [row] = await manager.query(
        `SELECT p."program", p."policy" FROM "matching"."program_policies" p
         WHERE p."program" = COALESCE((SELECT f."program" FROM "matching"."program_policies" f WHERE $1 = ANY(f."facilities") ORDER BY f."program" LIMIT 1), $2)`,
        [facility, DEFAULT_PROGRAM],
      );
      return { program: row?.program ?? DEFAULT_PROGRAM, policy: this.withOverrides(row?.policy) };
    });
  }

  /** The program that serves a facility: the one listing it, else the default program. */
  async programFor(manager: EntityManager, facility: string): Promise<string> {
    const [row] = await manager.query(
      `SELECT "program" FROM "matching"."program_policies" WHERE $1 = ANY("facilities") ORDER BY "program" LIMIT 1`,
      [facility],
    );
    return row?.program ?? DEFAULT_PROGRAM;
  }

  /** The program's policy, read once per transaction (see programAndPolicyFor). */
  async policyOf(manager: EntityManager, program: string): Promise<MatchingPolicy> {
    return readOncePerTransaction(manager, `program_policies:program:${program}`, async () => {
      const [row] = await manager.query(`SELECT "policy" FROM "matching"."program_policies" WHERE "program" = $1`, [program]);
      return this.withOverrides(row?.policy);
    });
  }

  /** Every program's stored settings, in program order. */
  async listPrograms(): Promise<{ program: string; facilities: string[]; policy: MatchingPolicy; updatedAt: Date; updatedBy: string }[]> {
    const rows: { program: string; facilities: string[]; policy: Partial<MatchingPolicy> | null; updated_at: Date; updated_by: string }[] = await this.dataSource.query(
      `SELECT "program", "facilities", "policy", "updated_at", "updated_by" FROM "matching"."program_policies" ORDER BY "program"`,
    );
    return rows.map((row) => ({ program: row.program, facilities: row.facilities, policy: this.withOverrides(row.policy), updatedAt: row.updated_at, updatedBy: row.updated_by }));
  }

  /** Sets the program's facilities (when given) and merges its policy overrides field by field. */
  async saveProgram(program: string, facilities: string[] | undefined, overrides: Partial<MatchingPolicy>, updatedBy: string): Promise<MatchingPolicy> {
    await this.dataSource.query(
      `INSERT INTO "matching"."program_policies" ("program", "facilities", "policy", "updated_by") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("program") DO UPDATE SET "facilities" = COALESCE($5, "program_policies"."facilities"),
         "policy" = "program_policies"."policy" || $3, "updated_at" = now(), "updated_by" = $4`,
      [program, facilities ?? [], JSON.stringify(overrides), updatedBy, facilities ?? null],
    );
    return this.policyOf(this.dataSource.manager, program);
  }

  /** The defaults with a program's stored overrides applied field by field. */
  withOverrides(overrides: Partial<MatchingPolicy> | null | undefined): MatchingPolicy {
    return { ...this.environmentDefaults, ...(overrides ?? {}) };
  }
}
