import { Client, ClientConfig, QueryResult } from 'pg';

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
 * The connection's startup options with `plan_cache_mode = force_custom_plan`: a prepared statement is still planned
 * for its values on every run, as an unprepared one is. Left to itself (`auto`), Postgres may keep a generic plan
 * made when a table was small, e.g. a sequential scan of an outbox or dispatch queue that has grown since; with
 * custom plans the saving is parsing and analysis, never a plan that went stale. (A DATABASE_URL that sets `options`
 * replaces these: add `-c plan_cache_mode=force_custom_plan` to it.)
 */
function withCustomPlans(config?: string | ClientConfig): ClientConfig {
  const base: ClientConfig = typeof config === 'string' ? { connectionString: config } : { ...config };
  base.options = [base.options, '-c plan_cache_mode=force_custom_plan'].filter(Boolean).join(' ');
  return base;
}

/**
 * A pg Client class whose connections keep the `capacity` most recently used parameterised statements prepared.
 *
 * Why: Postgres parses and analyses every statement it is sent unnamed, a good part of the cost of Harbor's short
 * statements. Prepared once per connection, a statement is parsed and analysed once; it is still planned for its
 * values on every run (withCustomPlans), so its plan follows the data as an unprepared statement's does.
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
export function statementPreparingClient(capacity: number): typeof Client {
  class StatementPreparingClient extends Client {
    /** Statement text → its name on this connection, least recently used first. */
    private readonly prepared = new Map<string, string>();
    private sequence = 0;

    constructor(config?: string | ClientConfig) {
      super(withCustomPlans(config));
    }

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
      if (known !== undefined) {
        this.prepared.delete(text);
        this.prepared.set(text, known);
        return known;
      }
      const name = `harbor_${++this.sequence}`;
      this.prepared.set(text, name);
      if (this.prepared.size > capacity) this.forget(this.prepared.keys().next().value as string);
      return name;
    }

    /** Deallocates a statement on the server (queued behind what is already sent) and drops pg's record of it. */
    private forget(text: string): void {
      const name = this.prepared.get(text);
      if (name === undefined) return;
      this.prepared.delete(text);
      const parsed = (this as unknown as ParsedStatements).connection?.parsedStatements;
      if (parsed) delete parsed[name];
      // DEALLOCATE is not transactional; inside a failed transaction it is refused, and the statement stays on the
      // server until the connection closes. Its name is never used again, so that costs memory, not correctness.
      super.query(`DEALLOCATE ${name}`).then(undefined, () => undefined);
    }
  }
  return StatementPreparingClient;
}
