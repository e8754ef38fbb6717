import { EntityManager } from 'typeorm';
import { deferUntilCommit, writeDeferredNow } from './after-commit';
import { sendWithNextStatement } from './postgres-client';

/**
 * A column of a table written at commit: its quoted name and its Postgres type. The rows travel as one array per
 * column, so a value must be a scalar of that type (JSON columns take JSON text or an object, never a JS array).
 */
export type InsertColumn = readonly [name: string, type: string];

/**
 * The INSERT of any number of rows into `table`, one text whatever the count: each column's values are one array
 * parameter, unnested in the order given (WITH ORDINALITY … ORDER BY, so a sequence column follows that order),
 * followed by `onConflict` when given (e.g. `ON CONFLICT (…) DO NOTHING`). One text per table lets every connection
 * keep it prepared (postgres-client.ts); a VALUES list would be a new statement for every row count.
 */
function insertRowsSql(table: string, columns: readonly InsertColumn[], onConflict = ''): string {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM unnest(${arrays}) WITH ORDINALITY AS "row"(${names}, "row_number") ORDER BY "row_number"${onConflict ? ` ${onConflict}` : ''}`;
}

/**
 * Rows of one table that a transaction INSERTs just before it commits, every row it added in one statement (a
 * consumer's chunk of records: one INSERT for the chunk instead of one per record). Outside a transaction a row is
 * inserted at once. The table's owner calls `writeNow` before any other statement of its own on the table in the
 * same transaction (an UPDATE, a lock, a read), so that statement sees every row added before it.
 */
export class InsertAtCommit {
  private readonly key: string;
  private readonly sql: string;

  constructor(table: string, columns: readonly InsertColumn[], onConflict = '') {
    this.key = `insert-at-commit:${table}`;
    this.sql = insertRowsSql(table, columns, onConflict);
  }

  /** Adds `rows` after those already pending, in order; outside a transaction, inserts them at once. */
  async add(manager: EntityManager, ...rows: unknown[][]): Promise<void> {
    if (rows.length > 0 && !deferUntilCommit(manager, this.key, rows, this.insert)) await this.insert(manager, rows);
  }

  writeNow(manager: EntityManager): Promise<void> {
    return writeDeferredNow(manager, this.key);
  }

  /**
   * One statement for all `rows`: their values column by column. It travels with the transaction's next statement (the
   * COMMIT, or the owner's own statement after `writeNow`): nothing reads its answer, and its error fails that statement.
   */
  private readonly insert = (manager: EntityManager, rows: unknown[][]): Promise<void> =>
    sendWithNextStatement(manager, this.sql, rows[0].map((_, column) => rows.map((row) => row[column])));
}
