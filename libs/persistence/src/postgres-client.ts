import { Client, QueryResult } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { encodeValues, LeadingStatement, pipelinedQuery } from './pipelined-query';

/**
 * SQLSTATEs after which a prepared statement must be prepared again: 0A000 ("cached plan must not change result
 * type", a table it reads changed shape under a migration) and 26000 (the statement is gone from the session).
 */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

/**
 * How long a connection keeps one preparation of a statement before preparing it again, so that its plan is made
 * afresh. After five runs Postgres may keep a generic plan (`plan_cache_mode = auto`), which is not re-planned while
 * the tables' statistics stand still; one made while a queue table (outbox, dispatches) was nearly empty keeps
 * scanning it whole as it grows (most likely seen on the benchmark: the relay's mark of published rows became a tenth of
 * Postgres's busy time). Preparing again every 10 s bounds that, at the cost of one more parse and plan per
 * statement and connection every 10 s; forcing custom plans instead (planning every run) gave up most of the saving.
 */
export const PREPARED_STATEMENT_MAX_AGE_MS = 10_000;

/** TypeORM's way of opening a transaction (PostgresQueryRunner.startTransaction). */
const START_TRANSACTION = 'START TRANSACTION';
const BEGIN: LeadingStatement = { text: 'BEGIN', name: undefined, values: [] };

type QueryCallback = (error: Error | null, result?: QueryResult) => void;

/** The connection's record of the statements it has parsed (not in pg's typings). */
interface ParsedStatements {
  connection?: { parsedStatements?: Record<string, string> };
}

export interface PostgresClientOptions {
  /** Parameterised statements each connection keeps prepared; 0: none, every statement parsed and planned anew. */
  preparedStatements: number;
  preparedMaxAgeMs?: number;
}

let roundTrips = 0;

/** Round trips this process has made to Postgres on Harbor's clients (each a Sync or simple Query and its answer). */
export function databaseRoundTrips(): number {
  return roundTrips;
}

/**
 * The pg Client class of Harbor's data sources. Two savings, both per connection:
 *
 * **Prepared statements.** Each connection keeps the `preparedStatements` most recently used parameterised statements
 * prepared. Postgres parses, analyses and plans every statement it is sent unnamed; for Harbor's short statements that
 * is much of their cost (matching's candidate query spends about 0.4 ms of its 1.1 ms planning). Prepared, a statement
 * is only bound and run, and after five runs Postgres may keep a generic plan where that costs no more than planning
 * for the values. Each statement is prepared again after `preparedMaxAgeMs` so that no plan outlives the data it was
 * made for by more than that. Each text gets a name of its own (`harbor_<n>`, never reused), so a statement forgotten
 * after an error can be prepared again without colliding with one the server may still hold. The least recently used
 * text beyond the capacity is deallocated, which bounds the server's memory per connection. A statement prepared
 * before a migration changed a table it returns rows of fails once with 0A000; it is then forgotten, and the
 * transaction that met it is retried as any failed transaction is. Poolers that multiplex transactions over server
 * connections (PgBouncer in transaction mode before 1.21) do not keep named statements: set
 * DATABASE_PREPARED_STATEMENTS=0 behind one.
 *
 * **Fewer round trips per transaction.** Every statement costs both processes a socket write, a wake-up and a read,
 * and the service waits for the answer (on a small machine, off the CPU while the woken backend runs): on the
 * benchmark that wait was the largest item of every service's profile. So a transaction's BEGIN is not sent on its
 * own: it goes in the same round trip as the transaction's first statement (a transaction that sends nothing costs
 * nothing). And writes whose answer nobody reads (rows written at commit, `sendWithNextStatement`) go in the same
 * round trip as the statement after them, usually the COMMIT. Postgres runs them in the order they were asked for;
 * an error in any of them fails the statement they travelled with, so the transaction fails as it would have.
 */
export function postgresClient(options: PostgresClientOptions): typeof Client {
  const capacity = options.preparedStatements;
  const maxAgeMs = options.preparedMaxAgeMs ?? PREPARED_STATEMENT_MAX_AGE_MS;

  class PostgresClient extends Client {
    /** Statement text → its name on this connection and when it was prepared, least recently used first. */
    private readonly prepared = new Map<string, { name: string; since: number }>();
    private sequence = 0;
    /** A transaction was opened and nothing sent yet: BEGIN goes with its first statement. */
    private beginPending = false;
    /** Writes waiting for the next statement, in order. */
    private leading: LeadingStatement[] = [];

    /**
     * Sends `text` with the next statement of this connection, in the same round trip, instead of now. Only for a
     * statement whose answer nobody reads (its rows are dropped): its error fails the next statement.
     */
    sendWithNextStatement(text: string, values: unknown[]): void {
      this.leading.push({ text, name: values.length > 0 ? this.nameFor(text) : undefined, values: encodeValues(values) });
    }

    // pg's query() has a dozen overloads: text with or without values (promise or callback) is handled here;
    // anything else (a query object, a stream) first sends what is waiting, then passes through.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(config: any, values?: any, callback?: any): any {
      if (typeof config !== 'string') {
        this.sendWaitingAlone();
        return super.query(config, values, callback);
      }
      if (typeof values === 'function') [callback, values] = [values, undefined];
      const result = this.queryText(config, Array.isArray(values) && values.length > 0 ? values : undefined);
      if (typeof callback !== 'function') return result;
      const done = callback as QueryCallback;
      result.then((answer) => done(null, answer), (error: Error) => done(error));
      return undefined;
    }

    private queryText(text: string, values: unknown[] | undefined): Promise<QueryResult> {
      if (text === START_TRANSACTION && !this.beginPending && this.leading.length === 0) {
        this.beginPending = true;
        return Promise.resolve(answerOf('BEGIN'));
      }
      // Rolled back anyway: everything waiting was asked for after the transaction's, or the savepoint's, start (a
      // SAVEPOINT takes what waits with it).
      if (text === 'ROLLBACK' || text.startsWith('ROLLBACK TO SAVEPOINT ')) this.leading = [];
      if (this.beginPending && this.leading.length === 0 && (text === 'COMMIT' || text === 'ROLLBACK')) {
        this.beginPending = false; // a transaction that sent nothing
        return Promise.resolve(answerOf(text));
      }
      // Named before what waits is taken: a text that is waiting keeps its preparation (nameFor), and both share it.
      const name = values ? this.nameFor(text) : undefined;
      const waiting = this.takeWaiting();
      if (waiting.length === 0) return this.send(text, values, name);
      // Several statements in one string (the relay's drain) cannot be sent as one extended-protocol statement.
      if (values === undefined && isSeveralStatements(text)) return this.sendAfter(waiting, text);
      return this.sendTogether(waiting, { text, name, values });
    }

    private takeWaiting(): LeadingStatement[] {
      const waiting = this.beginPending ? [BEGIN, ...this.leading] : this.leading;
      this.beginPending = false;
      this.leading = [];
      return waiting;
    }

    /** A statement on its own, prepared when it has values. */
    private send(text: string, values: unknown[] | undefined, name = values ? this.nameFor(text) : undefined): Promise<QueryResult> {
      roundTrips++;
      if (!values || name === undefined) return super.query(text, values) as unknown as Promise<QueryResult>;
      const result = super.query({ name, text, values }) as unknown as Promise<QueryResult>;
      // Observes the failure without handling it for the caller, who receives `result` itself.
      result.then(undefined, (error: unknown) => {
        if (isStale(error)) this.forget(text);
      });
      return result;
    }

    /** `waiting` and then `last`, in one round trip. */
    private sendTogether(waiting: LeadingStatement[], last: { text: string; name: string | undefined; values: unknown[] | undefined }): Promise<QueryResult> {
      roundTrips++;
      return new Promise<QueryResult>((resolve, reject) => {
        const query = pipelinedQuery(
          waiting,
          last,
          (error, parsedTexts) => {
            parsedTexts.forEach((text) => this.forgetName(text));
            if (isStale(error)) [...waiting.map((statement) => statement.text), last.text].forEach((text) => this.forget(text));
          },
          (error, result) => (error ? reject(error) : resolve(result!)),
        );
        super.query(query as never);
      });
    }

    /** `waiting` in one round trip, then `text` (several statements, simple protocol) in another. */
    private sendAfter(waiting: LeadingStatement[], text: string): Promise<QueryResult> {
      const first = this.sendWaiting(waiting);
      const then = this.send(text, undefined);
      return first.then(
        () => then,
        (error: unknown) => {
          then.catch(() => undefined);
          throw error;
        },
      );
    }

    /** For a query that is not plain text: what waits goes first, in its own round trip; its error fails the transaction. */
    private sendWaitingAlone(): void {
      const waiting = this.takeWaiting();
      // The transaction is aborted if this fails: the query behind it then fails with 25P02.
      if (waiting.length > 0) this.sendWaiting(waiting).catch(() => undefined);
    }

    /** Statements that were waiting, in one round trip of their own. */
    private sendWaiting(waiting: LeadingStatement[]): Promise<QueryResult> {
      const last = waiting[waiting.length - 1];
      return this.sendTogether(waiting.slice(0, -1), { text: last.text, name: last.name, values: last.values.length > 0 ? last.values : undefined });
    }

    private nameFor(text: string): string | undefined {
      if (capacity === 0) return undefined;
      const known = this.prepared.get(text);
      const now = Date.now();
      // A preparation that a waiting statement will use is kept however old: deallocating it now would reach the server
      // before that statement does.
      if (known !== undefined && (now - known.since < maxAgeMs || this.leading.some((statement) => statement.name === known.name))) {
        this.prepared.delete(text);
        this.prepared.set(text, known);
        return known.name;
      }
      if (known !== undefined) this.forget(text); // prepared long enough ago: prepare it again, planned afresh
      const name = `harbor_${++this.sequence}`;
      this.prepared.set(text, { name, since: now });
      if (this.prepared.size > capacity) this.forget(this.prepared.keys().next().value as string);
      return name;
    }

    /** The text gets a new name next time; the server may still hold the old one, which is never used again. */
    private forgetName(text: string): void {
      this.prepared.delete(text);
    }

    /**
     * Deallocates a statement on the server, queued behind the queries already queued, and then drops pg's record of
     * it. Not before: a query queued earlier under this name must still find it parsed, or pg would send a second
     * Parse of a name the server holds (42P05). No later query uses the name (names are never reused).
     */
    private forget(text: string): void {
      const name = this.prepared.get(text)?.name;
      if (name === undefined) return;
      this.prepared.delete(text);
      const dropRecord = () => {
        const parsed = (this as unknown as ParsedStatements).connection?.parsedStatements;
        if (parsed) delete parsed[name];
      };
      // DEALLOCATE is not transactional; inside a failed transaction it is refused, and the statement stays on the
      // server until the connection closes. Its name is never used again, so that costs memory, not correctness.
      roundTrips++;
      super.query(`DEALLOCATE ${name}`).then(dropRecord, dropRecord);
    }
  }
  return PostgresClient;
}

/** The answer to a statement that was not sent (a BEGIN waiting for its first statement). */
function answerOf(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

function isStale(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STALE_STATEMENT_CODES.has(code);
}

/** Whether a text without parameters holds more than one statement (a `;` before its end; a literal one errs on the safe side). */
function isSeveralStatements(text: string): boolean {
  const semicolon = text.indexOf(';');
  return semicolon >= 0 && semicolon < text.trimEnd().replace(/;$/, '').length;
}

/** A pg client that can hold a statement for the next round trip (postgresClient). */
interface StatementHolding {
  sendWithNextStatement(text: string, values: unknown[]): void;
}

/**
 * Sends `text` in the same round trip as the transaction's next statement (at the latest its COMMIT) instead of on its
 * own, for a statement whose answer the caller does not need (a write, a lock): Postgres runs it just before that next
 * statement, as a statement of its own; its error fails that next statement, and with it the transaction. Outside a
 * transaction (a data source, a manager without one), or on a client that cannot hold it, runs it at once.
 */
export async function sendWithNextStatement(db: EntityManager | DataSource, text: string, values: unknown[]): Promise<void> {
  const runner = (db instanceof EntityManager ? db.queryRunner : undefined) as (QueryRunner & { databaseConnection?: Partial<StatementHolding> }) | undefined;
  const client = runner?.isTransactionActive ? runner.databaseConnection : undefined;
  if (client?.sendWithNextStatement) client.sendWithNextStatement(text, values);
  else await db.query(text, values);
}
