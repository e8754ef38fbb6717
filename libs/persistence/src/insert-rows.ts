import { EntityManager } from 'typeorm';
import { deferUntilCommit, writeDeferredNow } from './after-commit';

/** Rows per statement: far below Postgres's 65,535 parameters a statement for the tables that use it (≤ 10 columns). */
const ROWS_PER_INSERT = 1_000;

/**
 * INSERTs `rows` (each its values in `columns`' order) into `table` with one multi-row statement per 1,000 rows,
 * in the order given (a sequence column follows that order), followed by `onConflict` when given (e.g. `ON CONFLICT (…) DO NOTHING`). `table`, `columns`
 * and `onConflict` are written as given: quote the names.
 */
async function insertRows(manager: EntityManager, table: string, columns: string[], rows: unknown[][], onConflict = ''): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const params: unknown[] = [];
    const values = rows.slice(start, start + ROWS_PER_INSERT).map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}${onConflict ? ` ${onConflict}` : ''}`, params);
  }
}

/**
 * Rows of one table that a transaction INSERTs just before it commits, every row it added in one statement (a
 * consumer's chunk of records: one INSERT for the chunk instead of one per record). Outside a transaction a row is
 * inserted at once. The table's owner calls `writeNow` before any other statement of its own on the table in the
 * same transaction (an UPDATE, a lock, a read), so that statement sees every row added before it.
 */
export class InsertAtCommit {
  private readonly key: string;

  constructor(
    private readonly table: string,
    private readonly columns: string[],
    private readonly onConflict = '',
  ) {
    this.key = `insert-at-commit:${table}`;
  }

  /** Adds `rows` after those already pending, in order; outside a transaction, inserts them at once. */
  async add(manager: EntityManager, ...rows: unknown[][]): Promise<void> {
    if (rows.length > 0 && !deferUntilCommit(manager, this.key, rows, this.insert)) await this.insert(manager, rows);
  }

  writeNow(manager: EntityManager): Promise<void> {
    return writeDeferredNow(manager, this.key);
  }

  private readonly insert = (manager: EntityManager, rows: unknown[][]): Promise<void> => insertRows(manager, this.table, this.columns, rows, this.onConflict);
}
