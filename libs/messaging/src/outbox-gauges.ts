import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

interface Backlog {
  rows: number;
  oldest_seconds: number;
}

/**
 * The outbox seen from outside the relay, read at each scrape: how many committed rows wait to be published and
 * how long the oldest has waited. `harbor_outbox_lag_seconds` is observed only when a publish succeeds, so a relay
 * that is stuck (Kafka refusing, a lock held, a crash loop) shows there as silence; these gauges keep growing.
 */
export function registerOutboxGauges(registry: Registry, dataSource: DataSource, schema: string): void {
  // One query serves both gauges of one scrape.
  let cached: { at: number; backlog: Promise<Backlog | undefined> } | undefined;
  const read = () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), backlog: backlog(dataSource, schema) };
    return cached.backlog;
  };
  const gauges: [string, string, (backlog: Backlog) => number][] = [
    ['harbor_outbox_backlog', 'Outbox rows committed and not yet published to Kafka.', (backlog) => backlog.rows],
    ['harbor_outbox_oldest_unsent_seconds', 'Age of the oldest outbox row not yet published (0 when none waits).', (backlog) => backlog.oldest_seconds],
  ];
  for (const [name, help, value] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset();
        const found = await read();
        // Unknown while the database does not answer: absent, rather than a stale or a reassuring 0.
        if (found) this.set(value(found));
      },
    });
  }
}

async function backlog(dataSource: DataSource, schema: string): Promise<Backlog | undefined> {
  try {
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS "rows", COALESCE(EXTRACT(EPOCH FROM now() - min("created_at")), 0)::float8 AS "oldest_seconds"
       FROM "${schema}"."outbox" WHERE "sent_at" IS NULL`,
    );
    return row as Backlog;
  } catch {
    return undefined;
  }
}
