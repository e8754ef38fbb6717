import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdentifierV1 } from '@harbor/contracts';

/**
 * Whether the identifier given by the parameters `system` and `value` (e.g. `$2`, `$3`) is on the opt-out registry,
 * as an SQL expression: the clinician's standing (TriggerStore) reads it in the same statement.
 */
export const optedOutSql = (system: string, value: string) =>
  `EXISTS (SELECT 1 FROM "intake"."opt_outs" WHERE "identifier_system" = ${system} AND "identifier_value" = ${value})`;

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

  async remove(identifier: IdentifierV1): Promise<void> {
    await this.dataSource.query(`DELETE FROM "intake"."opt_outs" WHERE "identifier_system" = $1 AND "identifier_value" = $2`, [identifier.system, identifier.value]);
  }

  /** When the identifier was put on the registry; undefined when it is not on it. */
  async since(identifier: IdentifierV1): Promise<Date | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT "created_at" AS "since" FROM "intake"."opt_outs" WHERE "identifier_system" = $1 AND "identifier_value" = $2`,
      [identifier.system, identifier.value],
    );
    return row?.since;
  }

}
