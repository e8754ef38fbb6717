import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { harborTracer, ServiceMetrics } from '@harbor/observability';
import { onCommitRequesting } from '@harbor/persistence';
import { DrainLoop } from './drain-loop';
import { outboxChannel } from './messaging-tables.migration';
import { OUTBOX_WRITTEN } from './outbox-writer';
import { OutboxPublishSpans } from './outbox-trace';

export interface OutboxRelayOptions {
  schema: string;
  databaseUrl: string;
  batchSize?: number;
  /** Safety net only: the relay is woken by NOTIFY at commit, this catches a notification lost on reconnect. */
  fallbackPollMs?: number;
  /** Sent rows are kept this long for inspection, then deleted (rows marked purge_on_publish go at once). */
  retainSentMs?: number;
}

const LOCKED_ELSEWHERE = -1;

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: unknown;
  created_at: Date;
}

/**
 * Publishes committed outbox rows to Kafka in commit order and marks them sent. One relay drains a
 * schema at a time (transaction-level advisory lock), so per-key order survives several replicas.
 *
 * Wake-ups: a commit that wrote outbox rows in this process wakes the relay directly (a TypeORM
 * after-commit hook); writers elsewhere send NOTIFY on the schema's channel; a slow poll is the safety
 * net. Per-transaction NOTIFY was measured and rejected as the default: Postgres serialises the commits
 * of notifying transactions on one global queue lock, which capped throughput under load.
 */
export class OutboxRelay {
  private readonly loop: DrainLoop;
  private lastCleanup = 0;
  private readonly batchSize: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.loop = new DrainLoop(
      {
        name: `${options.schema}-relay`,
        databaseUrl: options.databaseUrl,
        channel: outboxChannel(options.schema),
        fallbackPollMs: options.fallbackPollMs ?? 2000,
        work: () => this.drain(),
      },
      logger,
    );
  }

  async start(): Promise<void> {
    onCommitRequesting(this.dataSource, OUTBOX_WRITTEN, () => this.wake());
    await this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /**
   * Stops listening, then makes one bounded last attempt to publish what is committed but unsent.
   * Rows it cannot publish in time stay in the outbox for the next relay: nothing is lost, and a
   * broker outage cannot hold up shutdown beyond `finalDrainMs`.
   */
  async stop(finalDrainMs = 10_000): Promise<void> {
    const finalDrain = (async () => {
      await this.loop.stop();
      await this.drain(true);
    })();
    await Promise.race([finalDrain, new Promise((resolve) => setTimeout(resolve, finalDrainMs).unref())]);
  }

  private async drain(final = false): Promise<void> {
    try {
      while (final || !this.loop.isStopped) {
        const sent = await this.publishBatch();
        if (sent === LOCKED_ELSEWHERE) {
          // Another replica is draining; it may have read before our rows committed, so look again shortly.
          setTimeout(() => this.wake(), 25);
          break;
        }
        if (sent < this.batchSize) break;
      }
      await this.cleanupSentRows();
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'outbox relay failed; will retry');
      if (!final) setTimeout(() => this.wake(), 500);
    }
  }

  private async publishBatch(): Promise<number> {
    const { schema } = this.options;
    return this.dataSource.transaction(async (manager) => {
      // Also, for this transaction only, no bitmap scans: the unsent-rows index keeps an entry for every row published
      // since the last vacuum, and a bitmap scan visits each one's heap page on every drain (2.5 ms per drain after
      // 5,000 rows in the benchmark, the busiest statement at 50/s). A plain index scan marks those entries dead as it
      // passes and skips them from then on (0.03 ms).
      // And its commit does not wait for the disk (synchronous_commit off): the rows are in Kafka by then, and a mark
      // lost with a database crash only publishes them again, which consumers already absorb (a relay that dies between
      // the send and the commit does the same). One fsync wait per batch off every hop.
      const [{ locked }] = await manager.query(
        `SELECT set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true), pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
        [`harbor-outbox-${schema}`],
      );
      if (!locked) return LOCKED_ELSEWHERE;
      const rows: OutboxRow[] = await manager.query(
        `SELECT "seq", "topic", "key", "headers", "payload", "created_at" FROM "${schema}"."outbox"
         WHERE "sent_at" IS NULL ORDER BY "seq" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const spans = new OutboxPublishSpans(harborTracer(this.metrics.service));
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(rows, (row) => spans.headersFor(row)) });
        spans.end();
      } catch (error) {
        spans.end(error);
        throw error;
      }
      const published = rows.map((row) => row.seq);
      // Rows of events that carry personal data leave the outbox with their publication; others are kept a while for
      // inspection. One statement for both (disjoint rows), so a batch costs one round trip after the send.
      await manager.query(
        `WITH purged AS (DELETE FROM "${schema}"."outbox" WHERE "seq" = ANY($1::bigint[]) AND "purge_on_publish")
         UPDATE "${schema}"."outbox" SET "sent_at" = now() WHERE "seq" = ANY($1::bigint[]) AND NOT "purge_on_publish"`,
        [published],
      );
      const now = Date.now();
      for (const row of rows) {
        this.metrics.outboxPublished.inc();
        this.metrics.outboxLagSeconds.observe((now - new Date(row.created_at).getTime()) / 1000);
      }
      return rows.length;
    });
  }

  private async cleanupSentRows(): Promise<void> {
    const retain = this.options.retainSentMs ?? 3_600_000;
    if (Date.now() - this.lastCleanup < Math.min(retain, 60_000)) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM "${this.options.schema}"."outbox" WHERE "sent_at" < now() - ($1::int * interval '1 millisecond')`,
      [retain],
    );
  }
}

function groupByTopic(rows: OutboxRow[], headersOf: (row: OutboxRow) => Record<string, string>) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.key, value: JSON.stringify(row.payload), headers: headersOf(row) });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}
