import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdentifierV1, identifierSystemAliases } from '@harbor/contracts';

/**
 * Whether the identifier given by the parameters `systems` (every spelling of its system, from
 * identifierSystemAliases: the NPI as URI or OID) and `value` (e.g. `$2`, `$3`) is on the opt-out registry, as an
 * SQL expression: the clinician's standing (TriggerStore) reads it in the same statement.
 */
export const optedOutSql = (systems: string, value: string) =>
  `EXISTS (SELECT 1 FROM "intake"."opt_outs" WHERE "identifier_system" = ANY(${systems}::text[]) AND "identifier_value" = ${value})`;

/** The one owner of `"intake"."opt_outs"`: an identifier and when it was added, nothing else. */
@Injectable()
export class OptOutStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async add(identifier: IdentifierV1): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "intake"."opt_outs" ("identifier_system", "identifier_value") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [identifier.system, identifier.value],
    );
  }

  /** Takes the identifier off the registry in every spelling of its system (an NPI added as URI goes when removed as OID). */
  async remove(identifier: IdentifierV1): Promise<void> {
    await this.dataSource.query(`DELETE FROM "intake"."opt_outs" WHERE "identifier_system" = ANY($1::text[]) AND "identifier_value" = $2`, [
      identifierSystemAliases(identifier.system), identifier.value,
    ]);
  }

  /** When the identifier was put on the registry, in any spelling of its system; undefined when it is not on it. */
  async since(identifier: IdentifierV1): Promise<Date | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT min("created_at") AS "since" FROM "intake"."opt_outs" WHERE "identifier_system" = ANY($1::text[]) AND "identifier_value" = $2`,
      [identifierSystemAliases(identifier.system), identifier.value],
    );
    return row?.since ?? undefined;
  }

}
