import { Client, QueryResult } from 'pg';

/**
 * SQLSTATEs after which a prepared statement must be prepared again: 0A000 ("cached plan must not change result
 * type", a table it reads changed shape under a migration) and 26000 (the statement is gone from the session).
 */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

type QueryCallback = (error: Error | null, result?: QueryResult) => void;

/** The pg connection's record of the statements it has parsed (not in pg's typings). */
interface ParsedStatements {
  connection?: { parsedStatements?: Record<string, string> };
}

/**
 * How long a connection keeps one preparation of a statement before preparing it again, so that its plan is made
 * afresh. After five runs Postgres may keep a generic plan (`plan_cache_mode = auto`), which is not re-planned while
 * the tables' statistics stand still; one made while a queue table (outbox, dispatches) was nearly empty keeps
 * scanning it whole as it grows (most likely seen on the benchmark: the relay's mark of published rows became a tenth of
 * Postgres's busy time). Preparing again every 10 s bounds that, at the cost of one more parse and plan per
 * statement and connection every 10 s; forcing custom plans instead (planning every run) gave up most of the saving.
 */
export const PREPARED_STATEMENT_MAX_AGE_MS = 10_000;

/**
 * A pg Client class whose connections keep the `capacity` most recently used parameterised statements prepared.
 *
 * Why: Postgres parses, analyses and plans every statement it is sent unnamed; for Harbor's short statements that
 * is much of their cost (matching's candidate query spends about 0.4 ms of its 1.1 ms planning). Prepared on a
 * connection, a statement is only bound and run, and after five runs Postgres may keep a generic plan where that
 * costs no more than planning for the values. Each statement is prepared again after PREPARED_STATEMENT_MAX_AGE_MS
 * so that no plan outlives the data it was made for by more than that.
 *
 * Each text gets a name of its own (`harbor_<n>`, never reused), so a statement forgotten after an error can be
 * prepared again without colliding with one the server may still hold. The least recently used text beyond
 * `capacity` is deallocated, which bounds the server's memory per connection. Statements without parameters
 * (BEGIN, COMMIT, SET) stay on the simple protocol: one message, nothing to plan.
 *
 * A statement prepared before a migration changed a table it returns rows of fails once with 0A000; the
 * statement is then forgotten, and the transaction that met it is retried as any failed transaction is.
 * Connection poolers that multiplex transactions over server connections (PgBouncer in transaction mode before
 * 1.21) do not keep named statements: set DATABASE_PREPARED_STATEMENTS=0 behind one.
 */
export function statementPreparingClient(capacity: number, maxAgeMs = PREPARED_STATEMENT_MAX_AGE_MS): typeof Client {
  class StatementPreparingClient extends Client {
    /** Statement text → its name on this connection and when it was prepared, least recently used first. */
    private readonly prepared = new Map<string, { name: string; since: number }>();
    private sequence = 0;

    // pg's query() has a dozen overloads; only (text, values[, callback]) is rewritten, everything else passes through.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(config: any, values?: any, callback?: any): any {
      if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0) return super.query(config, values, callback);
      const text = config;
      const name = this.nameFor(text);
      const forgetIfStale = (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && STALE_STATEMENT_CODES.has(code)) this.forget(text);
      };
      if (typeof callback === 'function') {
        const done = callback as QueryCallback;
        return super.query({ name, text, values }, (error: Error | null, result?: QueryResult) => {
          if (error) forgetIfStale(error);
          done(error, result);
        });
      }
      const result = super.query({ name, text, values });
      // Observes the failure without handling it for the caller, who receives `result` itself.
      result.then(undefined, forgetIfStale);
      return result;
    }

    private nameFor(text: string): string {
      const known = this.prepared.get(text);
      const now = Date.now();
      if (known !== undefined && now - known.since < maxAgeMs) {
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
      super.query(`DEALLOCATE ${name}`).then(dropRecord, dropRecord);
    }
  }
  return StatementPreparingClient;
}
