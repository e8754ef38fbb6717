import { Producer } from 'kafkajs';
import { PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { harborTracer, RepeatedFailureLog, ServiceMetrics } from '@harbor/observability';
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
  private readonly beginAndReadSql: string;

  /** Drains that keep failing through an outage log once, then every 30 s, then once when they work again. */
  private readonly failures: RepeatedFailureLog;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.failures = new RepeatedFailureLog(logger, 'outbox relay');
    this.batchSize = options.batchSize ?? 500;
    this.beginAndReadSql = beginAndReadSql(options.schema, this.batchSize);
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
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
      if (!final) setTimeout(() => this.wake(), 500);
    }
  }

  /**
   * One drain in two database round trips around the Kafka send: the first opens the transaction, sets it up, takes
   * the schema's lock and reads the batch (one simple-protocol string of statements, planned in turn, so the
   * settings apply to the read); the second marks the batch and commits. TypeORM's transaction() would have sent
   * BEGIN, the set-up, the read, the mark and COMMIT one at a time: five round trips, and a relay drains after almost
   * every commit of its service.
   */
  private async publishBatch(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let open = true;
    try {
      const [, , , read] = (await client.query(this.beginAndReadSql)) as unknown as QueryResult<OutboxRow & { locked: boolean }>[];
      const { locked } = read.rows[0];
      // With the lock and no unsent row, the outer join's one row carries nulls.
      const rows: OutboxRow[] = read.rows.filter((row) => row.seq !== null);
      if (!locked || rows.length === 0) {
        await client.query('ROLLBACK');
        open = false;
        return locked ? 0 : LOCKED_ELSEWHERE;
      }
      const spans = new OutboxPublishSpans(harborTracer(this.metrics.service));
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(rows, (row) => spans.headersFor(row)) });
        spans.end();
      } catch (error) {
        spans.end(error);
        throw error;
      }
      await client.query(markAndCommitSql(this.options.schema, rows.map((row) => row.seq)));
      open = false;
      const now = Date.now();
      for (const row of rows) {
        this.metrics.outboxPublished.inc();
        this.metrics.outboxLagSeconds.observe((now - new Date(row.created_at).getTime()) / 1000);
      }
      return rows.length;
    } catch (error) {
      // A failed statement inside the string aborted the transaction; a lost connection is dropped by the runner.
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
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

/**
 * Opens the relay's transaction and reads a batch, as one string of statements (no parameters: the schema is a
 * checked identifier and the batch size a number). Its set-up, for this transaction only: no bitmap scans (the
 * unsent-rows index keeps an entry for every row published since the last vacuum, and a bitmap scan visits each
 * one's heap page on every drain: 2.5 ms per drain after 5,000 rows in the benchmark; a plain index scan marks those
 * entries dead as it passes and skips them from then on), and a commit that does not wait for the disk (the rows are
 * in Kafka by then, and a mark lost with a database crash only publishes them again, which consumers absorb, as when
 * a relay dies between the send and the commit). The schema's advisory lock lets one relay drain it at a time, and
 * the read runs only once it is held (a one-time filter on the lock's answer): a relay without it must not lock a
 * row even for a moment, or the holder would skip that row (SKIP LOCKED) and publish later rows before it.
 */
export function beginAndReadSql(schema: string, batchSize: number): string {
  assertIdentifier(schema);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, not ${batchSize}`);
  return [
    'BEGIN',
    'SET LOCAL enable_bitmapscan = off',
    'SET LOCAL synchronous_commit = off',
    `WITH "lock" AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtext('harbor-outbox-${schema}')) AS "locked")
     SELECT "lock"."locked", o."seq", o."topic", o."key", o."headers", o."payload", o."created_at"
     FROM "lock" LEFT JOIN LATERAL (
       SELECT "seq", "topic", "key", "headers", "payload", "created_at" FROM "${schema}"."outbox"
       WHERE "lock"."locked" AND "sent_at" IS NULL ORDER BY "seq" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
     ) o ON true`,
  ].join(';\n');
}

/**
 * Marks a published batch and commits, in one round trip. Rows of events that carry personal data leave the outbox
 * with their publication; others are kept a while for inspection (disjoint rows). The sequence numbers are the
 * outbox's own bigints, checked as digits before they are written into the statement.
 */
export function markAndCommitSql(schema: string, published: string[]): string {
  assertIdentifier(schema);
  for (const seq of published) if (!/^\d{1,19}$/.test(seq)) throw new Error(`not an outbox sequence number: ${JSON.stringify(seq)}`);
  const seqs = `'{${published.join(',')}}'::bigint[]`;
  return `WITH "purged" AS (DELETE FROM "${schema}"."outbox" WHERE "seq" = ANY(${seqs}) AND "purge_on_publish")
   UPDATE "${schema}"."outbox" SET "sent_at" = now() WHERE "seq" = ANY(${seqs}) AND NOT "purge_on_publish";
   COMMIT`;
}

function assertIdentifier(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name Harbor uses: ${JSON.stringify(schema)}`);
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
