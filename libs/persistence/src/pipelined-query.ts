import { Client, QueryResult } from 'pg';
// pg's value encoding, the same its own queries bind with (pg exports its lib/ files for such extensions).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => string | Buffer | null };

/** A statement sent ahead of another in the same round trip: its text, its prepared name (none: unnamed) and its values, encoded. */
export interface LeadingStatement {
  text: string;
  name: string | undefined;
  values: (string | Buffer | null)[];
}

/** Encodes values as pg binds them; throws, as pg would when sending, on a value it cannot encode. */
export function encodeValues(values: readonly unknown[]): (string | Buffer | null)[] {
  return values.map((value) => prepareValue(value));
}

/** The parts of pg's protocol connection a query writes to (not in pg's typings). */
interface ProtocolConnection {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: (string | Buffer | null)[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
}

/** pg's Query as the client drives it (its typings declare only `submit`). */
interface PgQueryInternals {
  name?: string;
  text: string;
  prepare(connection: ProtocolConnection): void;
  hasBeenParsed(connection: ProtocolConnection): boolean;
  handleError(error: Error, connection: ProtocolConnection): void;
  handleReadyForQuery(connection: ProtocolConnection): void;
}
type PgQueryClass = new (config: object) => PgQueryInternals;
const PgQuery = (Client as unknown as { Query: PgQueryClass }).Query;

/** Told when a pipelined query fails: its error, and the texts whose Parse it sent (to be prepared again under new names). */
export type PipelineFailed = (error: unknown, parsedTexts: string[]) => void;

/**
 * One round trip for several statements: the leading statements' Parse (when not yet parsed on the connection), Bind,
 * Describe and Execute, then the last statement's as pg sends any query, and a single Sync. Postgres runs them in
 * order, each a statement of its own (under READ COMMITTED each takes its own snapshot when it starts); the first error
 * skips the rest (their transaction is then aborted, as it would have been had they been sent one by one) and is the
 * error this query fails with. Answers with the last statement's result only: the leading ones' rows are dropped.
 */
export function pipelinedQuery(
  leading: LeadingStatement[],
  last: { text: string; name: string | undefined; values: unknown[] | undefined },
  failed: PipelineFailed,
  callback: (error: Error | null, result?: QueryResult) => void,
): object {
  // The names whose Parse this round trip sends; known to have been parsed only if nothing failed.
  const parsedHere: { name: string; text: string }[] = [];
  let lastParsedHere = false;
  class PipelinedQuery extends PgQuery {
    override prepare(connection: ProtocolConnection): void {
      for (const statement of leading) {
        const name = statement.name ?? '';
        if (!name || (connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] === undefined)) {
          connection.parse({ text: statement.text, name, types: [] });
          if (name) {
            connection.submittedNamedStatements[name] = statement.text;
            parsedHere.push({ name, text: statement.text });
          }
        }
        connection.bind({ portal: '', statement: name, values: statement.values });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      }
      lastParsedHere = Boolean(this.name) && !this.hasBeenParsed(connection);
      super.prepare(connection);
    }

    override handleError(error: Error, connection: ProtocolConnection): void {
      // Which of the Parses ran before the error is not known (pg marks the last statement parsed at the first
      // ParseComplete of the round trip): every name parsed here is dropped, and its text gets a new name next time.
      const texts = parsedHere.map(({ name, text }) => {
        delete connection.submittedNamedStatements[name];
        delete connection.parsedStatements[name];
        return text;
      });
      if (lastParsedHere && this.name) {
        delete connection.submittedNamedStatements[this.name];
        delete connection.parsedStatements[this.name];
        texts.push(this.text);
      }
      failed(error, texts);
      super.handleError(error, connection);
    }

    override handleReadyForQuery(connection: ProtocolConnection): void {
      for (const { name, text } of parsedHere) {
        connection.parsedStatements[name] = text;
        delete connection.submittedNamedStatements[name];
      }
      super.handleReadyForQuery(connection);
    }
  }
  return new PipelinedQuery({
    text: last.text,
    name: last.name,
    values: last.values,
    queryMode: 'extended',
    callback: (error: Error | null, results?: QueryResult | QueryResult[]) => {
      if (error) callback(error);
      else callback(null, Array.isArray(results) ? results[results.length - 1] : results);
    },
  });
}
