import { randomUUID } from 'node:crypto';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { Producer } from 'kafkajs';
import { beginAndReadSql, DLQ_HEADER, EventHandler, HEADER, InboundEvent, MessagingRuntime, messagingMigrations, outbound, readHeaders } from '@harbor/messaging';
import { createLogger, isValidTraceparent, runWithContext, ServiceMetrics } from '@harbor/observability';
import { afterCommit, createServiceDataSource, migrateServiceSchema } from '@harbor/persistence';
import { createTestDatabase, kafkaClient, LogCapture, readTopic, testInfrastructure, uniqueTopicPrefix, waitFor } from '../support/infrastructure';
import { defineEvent, versionedType } from '@harbor/contracts';
import { recordStatementsSentLater } from '../support/statements-sent-later';

class PingV1 {
  @IsUUID()
  id: string;

  @IsString()
  @MaxLength(50)
  label: string;
}

const Ping = defineEvent({ type: 'org.harbor.test.ping', version: 1, topic: 'pings.v1', payload: PingV1, key: (ping) => ping.id, subject: (ping) => ping.id });
/** Carries personal data: its outbox row must not outlive its publication. */
const PersonalPing = defineEvent({
  type: 'org.harbor.test.personal-ping', version: 1, topic: 'personal-pings.v1', payload: PingV1, key: (ping) => ping.id, purgeOnPublish: true,
});
const SCHEMA = 'msgtest';

class EffectsTable implements MigrationInterface {
  name = 'EffectsTable1764000009000';
  async up(runner: QueryRunner) {
    await runner.query(`CREATE TABLE "${SCHEMA}"."effects" ("ping_id" uuid NOT NULL, "label" text NOT NULL)`);
  }
  async down(runner: QueryRunner) {
    await runner.query(`DROP TABLE "${SCHEMA}"."effects"`);
  }
}

/** Behaviour chosen by the ping's label: "ok", "transient-N" (fails N times, then succeeds), "always-fail", "slow". */
class PingHandler implements EventHandler<PingV1> {
  readonly definition = Ping;
  readonly attempts = new Map<string, number>();

  async handle(event: InboundEvent<PingV1>, manager: EntityManager): Promise<void> {
    const { id, label } = event.payload;
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    await manager.query(`INSERT INTO "${SCHEMA}"."effects" ("ping_id", "label") VALUES ($1, $2)`, [id, label]);
    const transient = /^transient-(\d+)$/.exec(label);
    if (transient && attempt <= Number(transient[1])) throw new Error(`simulated outage ${attempt}`);
    if (label === 'always-fail') throw new Error('simulated outage that never ends');
    if (label === 'slow') await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

describe('messaging library against real Kafka and Postgres', () => {
  const logs = new LogCapture();
  const logger = createLogger('msgtest', 'info', logs.stream);
  const prefix = uniqueTopicPrefix();
  const topic = `${prefix}${Ping.topic}`;
  let dataSource: DataSource;
  let dropDatabase: () => Promise<void>;
  let databaseUrl: string;
  let runtime: MessagingRuntime;
  let handler: PingHandler;
  let producer: Producer;

  const settings = () => ({
    service: 'msgtest',
    schema: SCHEMA,
    databaseUrl,
    kafka: { brokers: testInfrastructure().brokers },
    topicPrefix: prefix,
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    producesTo: [Ping, PersonalPing],
  });

  async function startRuntime(tuning: { offsetCommitIntervalMs?: number; fetchMinBytes?: number; batchSize?: number } = {}) {
    handler = new PingHandler();
    const { batchSize, ...consumerTuning } = tuning;
    runtime = new MessagingRuntime({ ...settings(), ...consumerTuning }, dataSource, logger, new ServiceMetrics('msgtest'));
    await runtime.start([{ topic: Ping.topic, handlers: [handler], batchSize }]);
  }

  async function publish(value: string | object, headers: Record<string, string> = {}) {
    const bytes = typeof value === 'string' ? value : JSON.stringify(value);
    const id = headers[HEADER.id] ?? randomUUID();
    await producer.send({
      topic,
      messages: [{ key: 'k', value: bytes, headers: { [HEADER.id]: id, [HEADER.type]: versionedType(Ping), ...headers } }],
    });
    return id;
  }

  const effects = async (pingId: string) =>
    (await dataSource.query(`SELECT "label" FROM "${SCHEMA}"."effects" WHERE "ping_id" = $1`, [pingId])) as { label: string }[];

  beforeAll(async () => {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    dropDatabase = database.drop;
    dataSource = createServiceDataSource({ url: databaseUrl, schema: SCHEMA, migrations: [...messagingMigrations(SCHEMA), EffectsTable] });
    await migrateServiceSchema(dataSource, SCHEMA);
    producer = kafkaClient().producer();
    await producer.connect();
    await startRuntime();
  });

  afterAll(async () => {
    await runtime?.stop();
    await producer?.disconnect();
    await dataSource?.destroy();
    await dropDatabase?.();
  });

  it('publishes committed outbox rows with CloudEvents headers, and nothing from a rolled-back transaction', async () => {
    const committed = { id: randomUUID(), label: 'ok' };
    const rolledBack = { id: randomUUID(), label: 'ok' };
    await dataSource
      .transaction(async (manager) => {
        await runtime.outbox.enqueue(manager, Ping, rolledBack);
        throw new Error('abort');
      })
      .catch(() => undefined);
    await runWithContext({ correlationId: 'corr-123', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, () =>
      dataSource.transaction((manager) => runtime.outbox.enqueue(manager, Ping, committed)),
    );

    await waitFor(async () => (await effects(committed.id)).length === 1, 'the consumer to process the committed ping');
    const records = await readTopic(topic, 1);
    const record = records.find((message) => JSON.parse(message.value!.toString()).id === committed.id)!;
    const headers = readHeaders(record.headers);
    expect(record.key!.toString()).toBe(committed.id);
    expect(headers).toMatchObject({
      [HEADER.type]: 'org.harbor.test.ping.v1',
      [HEADER.source]: 'harbor/msgtest',
      [HEADER.subject]: committed.id,
      [HEADER.specVersion]: '1.0',
      [HEADER.correlationId]: 'corr-123',
    });
    expect(headers[HEADER.traceparent]).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(isValidTraceparent(headers[HEADER.traceparent])).toBe(true);
    const { rows } = { rows: await dataSource.query(`SELECT "sent_at" FROM "${SCHEMA}"."outbox"`) };
    expect(rows).toHaveLength(1);
    expect(rows[0].sent_at).not.toBeNull();
    expect(await effects(rolledBack.id)).toHaveLength(0);
  });

  it('marks rows published in a transaction that commits without waiting for the disk; the writing transaction waits', async () => {
    const settingAtWrite: Record<string, string> = {};
    const statements: string[] = [];
    const original = dataSource.createQueryRunner.bind(dataSource);
    // Every connection this data source lends (the writer's transactions and the relay's): just before a statement
    // that writes the outbox, read the transaction's setting on the same connection.
    dataSource.createQueryRunner = ((...args: Parameters<DataSource['createQueryRunner']>) => {
      const runner = original(...args);
      const connect = runner.connect.bind(runner);
      const release = runner.release.bind(runner);
      let restore = () => undefined as void;
      runner.connect = async () => {
        const client = await connect();
        const query = client.query;
        const writeOf = (sql: string) => (/UPDATE "[^"]+"\."outbox" SET "sent_at"/.test(sql) ? 'mark' : /^INSERT INTO "[^"]+"\."outbox"/.test(sql) ? 'enqueue' : undefined);
        client.query = async (sql: unknown, ...rest: unknown[]) => {
          if (typeof sql === 'string') {
            statements.push(sql);
            const write = writeOf(sql);
            if (write) settingAtWrite[write] = (await query.call(client, 'SHOW synchronous_commit')).rows[0].synchronous_commit;
          }
          return query.call(client, sql, ...rest);
        };
        // Rows written at commit travel with the COMMIT (libs/persistence postgres-client.ts), past client.query.
        const stopRecording = recordStatementsSentLater(runner, (text) => {
          statements.push(text);
          const write = writeOf(text);
          // Asked now, answered before the write runs: the SHOW is queued ahead of the statement the write travels with.
          if (write) void query.call(client, 'SHOW synchronous_commit').then((shown: { rows: { synchronous_commit: string }[] }) => (settingAtWrite[write] = shown.rows[0].synchronous_commit));
        });
        restore = () => {
          client.query = query;
          stopRecording();
        };
        return client;
      };
      runner.release = async () => {
        restore();
        return release();
      };
      return runner;
    }) as DataSource['createQueryRunner'];
    try {
      const [configured] = await dataSource.query(`SHOW synchronous_commit`);
      const ping = { id: randomUUID(), label: 'asynchronous mark' };
      await dataSource.transaction((manager) => runtime.outbox.enqueue(manager, Ping, ping));
      await waitFor(async () => settingAtWrite.mark !== undefined, 'the relay to mark the row published');
      expect(settingAtWrite).toEqual({ enqueue: configured.synchronous_commit, mark: 'off' });
      // The relay's drain: two round trips around the send (begin, lock and read; mark and commit).
      const mark = statements.find((sql) => /SET "sent_at"/.test(sql))!;
      expect(mark).toMatch(/;\s*COMMIT$/);
      const read = statements.find((sql) => /FOR UPDATE SKIP LOCKED/.test(sql))!;
      expect(read).toMatch(/^BEGIN;/);
    } finally {
      dataSource.createQueryRunner = original;
    }
  });

  it('a relay that does not hold the schema\'s lock reads and locks no row, so the holder publishes in order', async () => {
    // Only the relay under test reads the outbox meanwhile (this runtime's own would retry every 25 ms).
    await runtime.stop();
    const holder = dataSource.createQueryRunner();
    const other = dataSource.createQueryRunner();
    const bystander = dataSource.createQueryRunner();
    try {
      // Another replica's relay in the middle of a drain.
      await holder.startTransaction();
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('harbor-outbox-${SCHEMA}'))`);
      const ping = { id: randomUUID(), label: 'waits for the lock' };
      await dataSource.transaction((manager) => runtime.outbox.enqueue(manager, Ping, ping));

      const client = (await other.connect()) as { query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }[]> };
      const results = await client.query(beginAndReadSql(SCHEMA, 500));
      expect(results[3].rows).toEqual([expect.objectContaining({ locked: false, seq: null })]);
      // Had it locked the unsent row even for a moment, the holder's SKIP LOCKED read would pass it over.
      await bystander.startTransaction();
      const free = await bystander.query(`SELECT "seq" FROM "${SCHEMA}"."outbox" WHERE "sent_at" IS NULL FOR UPDATE NOWAIT`);
      expect(free.length).toBeGreaterThan(0);
      await bystander.rollbackTransaction();
      await other.query('ROLLBACK');
      await holder.rollbackTransaction();
      await startRuntime();
      await waitFor(async () => {
        const [row] = await dataSource.query(`SELECT "sent_at" FROM "${SCHEMA}"."outbox" WHERE "payload"->>'id' = $1`, [ping.id]);
        return row?.sent_at !== null;
      }, 'the relay to publish once the lock is free');
    } finally {
      for (const runner of [bystander, other, holder]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
  });

  it('deletes the outbox row of an event marked purgeOnPublish once Kafka has it, and keeps other sent rows for inspection', async () => {
    const personal = { id: randomUUID(), label: 'Dr. Outbox Canary' };
    const ordinary = { id: randomUUID(), label: 'ok' };
    await dataSource.transaction(async (manager) => {
      await runtime.outbox.enqueue(manager, PersonalPing, personal);
      await runtime.outbox.enqueue(manager, Ping, ordinary);
    });
    const [record] = await readTopic(`${prefix}${PersonalPing.topic}`, 1);
    expect(JSON.parse(record.value!.toString())).toEqual(personal);
    const rows = await waitFor(async () => {
      const found: { topic: string; sent_at: Date | null }[] = await dataSource.query(
        `SELECT "topic", "sent_at" FROM "${SCHEMA}"."outbox" WHERE "payload"->>'id' = ANY($1)`, [[personal.id, ordinary.id]],
      );
      return found.every((row) => row.sent_at !== null) ? found : undefined;
    }, 'the relay to finish the batch');
    expect(rows).toEqual([{ topic, sent_at: expect.any(Date) }]);
    const leftovers = await dataSource.query(`SELECT 1 FROM "${SCHEMA}"."outbox" WHERE "payload"::text LIKE '%Outbox Canary%'`);
    expect(leftovers).toEqual([]);
  });

  it('runs after-commit work once, at the outermost commit only, never after a rollback', async () => {
    const ran: string[] = [];
    expect(afterCommit(dataSource.manager, () => ran.push('outside'))).toBe(false);
    await dataSource.transaction(async (manager) => {
      expect(afterCommit(manager, () => ran.push('committed'), 'once')).toBe(true);
      afterCommit(manager, () => ran.push('committed again'), 'once');
      await manager.transaction(async (savepoint) => {
        afterCommit(savepoint, () => ran.push('inner'));
      });
      expect(ran).toEqual([]); // the savepoint's release is not the commit
    });
    await dataSource
      .transaction(async (manager) => {
        afterCommit(manager, () => ran.push('rolled back'));
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(ran).toEqual(['committed', 'inner']);
  });

  it('records several events with one statement, published in the order given', async () => {
    const pings = Array.from({ length: 3 }, (_, index) => ({ id: randomUUID(), label: `many-${index}` }));
    const ids = await dataSource.transaction((manager) => runtime.outbox.enqueueAll(manager, pings.map((ping) => outbound(Ping, ping))));
    expect(ids).toHaveLength(3);
    const rows: { event_id: string }[] = await dataSource.query(`SELECT "event_id" FROM "${SCHEMA}"."outbox" WHERE "event_id" = ANY($1) ORDER BY "seq"`, [ids]);
    expect(rows.map((row) => row.event_id)).toEqual(ids);
    await waitFor(async () => pings.every((ping) => handler.attempts.get(ping.id) === 1), 'the three pings');
  });

  it('refuses to enqueue an event that breaks its contract', async () => {
    await expect(
      dataSource.transaction((manager) => runtime.outbox.enqueue(manager, Ping, { id: 'not-a-uuid', label: 'ok' })),
    ).rejects.toThrow(/id: id must be a UUID/);
  });

  it('applies a redelivered event once', async () => {
    const ping = { id: randomUUID(), label: 'ok' };
    const eventId = await publish(ping);
    await publish(ping, { [HEADER.id]: eventId });
    const marker = { id: randomUUID(), label: 'ok' };
    await publish(marker);
    await waitFor(async () => (await effects(marker.id)).length === 1, 'the marker after the duplicate');
    expect(await effects(ping.id)).toHaveLength(1);
    expect(handler.attempts.get(ping.id)).toBe(1);
  });

  it('retries a transient failure, rolling back each failed attempt', async () => {
    const ping = { id: randomUUID(), label: 'transient-2' };
    await publish(ping);
    await waitFor(async () => handler.attempts.get(ping.id) === 3, 'the third attempt');
    await waitFor(async () => (await effects(ping.id)).length === 1, 'the successful attempt to commit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effects(ping.id)).toHaveLength(1);
  });

  it('dead-letters invalid, malformed and unknown records at once and keeps consuming the partition', async () => {
    const invalidId = await publish({ id: randomUUID(), label: 'x'.repeat(60), extra: 'field' });
    const malformedId = await publish('{"id": "patient Jane Canary"');
    const unknownId = await publish({ id: randomUUID(), label: 'ok' }, { [HEADER.type]: 'org.harbor.test.ping.v9' });
    const exhaustedId = await publish({ id: randomUUID(), label: 'always-fail' });
    const after = { id: randomUUID(), label: 'ok' };
    await publish(after);
    await waitFor(async () => (await effects(after.id)).length === 1, 'the record after the poison ones');

    const dead = await readTopic(`${topic}.dlq`, 4);
    const byId = new Map(dead.map((message) => [readHeaders(message.headers)[HEADER.id], message]));
    const invalid = readHeaders(byId.get(invalidId)!.headers);
    expect(invalid[DLQ_HEADER.errorClass]).toBe('EventValidationError');
    expect(invalid[DLQ_HEADER.errorMessage]).toMatch(/label: label must be shorter than or equal to 50 characters/);
    expect(invalid[DLQ_HEADER.errorMessage]).toMatch(/property extra should not exist/);
    expect(invalid[DLQ_HEADER.attempts]).toBe('1');
    expect(invalid[DLQ_HEADER.consumerGroup]).toBe(`${prefix}harbor-msgtest`);
    expect(invalid[DLQ_HEADER.sourceTopic]).toBe(topic);
    expect(invalid[HEADER.type]).toBe('org.harbor.test.ping.v1'); // original headers kept

    const malformed = byId.get(malformedId)!;
    expect(malformed.value!.toString()).toBe('{"id": "patient Jane Canary"'); // original bytes kept
    expect(readHeaders(malformed.headers)[DLQ_HEADER.errorClass]).toBe('MalformedMessageError');
    expect(readHeaders(malformed.headers)[DLQ_HEADER.errorMessage]).not.toContain('Canary');
    expect(readHeaders(byId.get(unknownId)!.headers)[DLQ_HEADER.errorClass]).toBe('UnknownEventTypeError');

    const exhausted = readHeaders(byId.get(exhaustedId)!.headers);
    expect(exhausted[DLQ_HEADER.errorClass]).toBe('Error');
    expect(exhausted[DLQ_HEADER.attempts]).toBe('3');
    expect(new Date(exhausted[DLQ_HEADER.firstFailedAt]).getTime()).toBeLessThanOrEqual(Date.now());
    expect(logs.containing('Canary')).toEqual([]);
  });

  it('applies a batch in one transaction, and falls back to one by one when a record in it fails', async () => {
    const batchPrefix = uniqueTopicPrefix();
    const batchTopic = `${batchPrefix}${Ping.topic}`;
    const batchHandler = new PingHandler();
    const batching = new MessagingRuntime({ ...settings(), service: 'msgbatch', topicPrefix: batchPrefix }, dataSource, logger, new ServiceMetrics('msgbatch'));
    await batching.start([{ topic: Ping.topic, handlers: [batchHandler], batchSize: 20 }]);
    try {
      const clean = Array.from({ length: 8 }, () => ({ id: randomUUID(), label: 'ok' }));
      const cleanIds = clean.map(() => randomUUID());
      const send = (pings: object[], ids = pings.map(() => randomUUID())) =>
        producer.send({
          topic: batchTopic,
          // One key, so all records share a partition and arrive in one fetched batch.
          messages: pings.map((ping, index) => ({ key: 'same', value: JSON.stringify(ping), headers: { [HEADER.id]: ids[index], [HEADER.type]: versionedType(Ping) } })),
        });
      await send(clean, cleanIds);
      await waitFor(async () => (await Promise.all(clean.map((ping) => effects(ping.id)))).every((rows) => rows.length === 1), 'the clean batch');
      expect(clean.every((ping) => batchHandler.attempts.get(ping.id) === 1)).toBe(true);
      // processed_at defaults to the transaction's start time: one value means one transaction.
      const stamps = await dataSource.query(
        `SELECT DISTINCT "processed_at" FROM "${SCHEMA}"."processed_messages" WHERE "consumer" = 'harbor-msgbatch'`,
      );
      expect(stamps).toHaveLength(1);

      // A batch's event ids are claimed in one statement: an id twice in one batch (a producer's retry) and an id
      // applied before (a redelivery) are each applied once, and the batch's other records are not held up.
      const repeated = { id: randomUUID(), label: 'ok' };
      const fresh = { id: randomUUID(), label: 'ok' };
      const repeatedId = randomUUID();
      await send([repeated, clean[0], repeated, fresh], [repeatedId, cleanIds[0], repeatedId, randomUUID()]);
      await waitFor(async () => (await effects(fresh.id)).length === 1, 'the batch with repeated ids');
      expect(await effects(repeated.id)).toHaveLength(1);
      expect(batchHandler.attempts.get(repeated.id)).toBe(1);
      expect(await effects(clean[0].id)).toHaveLength(1);
      expect(batchHandler.attempts.get(clean[0].id)).toBe(1);

      // A record that fails once rolls the whole batch back; its records are then applied one by one.
      const flaky = { id: randomUUID(), label: 'transient-1' };
      const neighbours = Array.from({ length: 4 }, () => ({ id: randomUUID(), label: 'ok' }));
      await send([neighbours[0], neighbours[1], flaky, neighbours[2], neighbours[3]]);
      await waitFor(async () => (await Promise.all([...neighbours, flaky].map((ping) => effects(ping.id)))).every((rows) => rows.length === 1), 'the flaky batch');
      expect(batchHandler.attempts.get(neighbours[0].id)).toBe(2);
      expect(batchHandler.attempts.get(flaky.id)).toBe(2);

      // An invalid record is found before any transaction: it is dead-lettered, its neighbours applied once.
      const invalid = { id: randomUUID(), label: 'x'.repeat(80) };
      const around = [{ id: randomUUID(), label: 'ok' }, { id: randomUUID(), label: 'ok' }];
      await send([around[0], invalid, around[1]]);
      await waitFor(async () => (await Promise.all(around.map((ping) => effects(ping.id)))).every((rows) => rows.length === 1), 'the batch around the invalid record');
      const dead = await readTopic(`${batchTopic}.dlq`, 1);
      expect(JSON.parse(dead[0].value!.toString()).id).toBe(invalid.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const ping of [...neighbours, flaky, ...around]) expect(await effects(ping.id)).toHaveLength(1);
      expect(batchHandler.attempts.get(around[0].id)).toBe(1);
      expect(await effects(invalid.id)).toHaveLength(0);
    } finally {
      await batching.stop();
    }
  });

  it('keeps its group membership while a failed batch is applied one by one, however long that takes', async () => {
    // The chaos tier terminated every database connection: matching's batch failed, its records were applied one
    // by one on new connections, and with no heartbeat between them the member was expelled after its 6 s session.
    const slowPrefix = uniqueTopicPrefix();
    const slowHandler = new PingHandler();
    const slow = new MessagingRuntime({ ...settings(), service: 'msgslow', topicPrefix: slowPrefix }, dataSource, logger, new ServiceMetrics('msgslow'));
    await slow.start([{ topic: Ping.topic, handlers: [slowHandler], batchSize: 20 }]);
    try {
      await waitFor(async () => logs.containing('harbor-msgslow').some((line) => line.includes('consumer joined its group')), 'the group to be joined');
      // The first record fails once, so the batch is applied one by one; six records of 1.5 s each then take 9 s.
      const pings = [{ id: randomUUID(), label: 'transient-1' }, ...Array.from({ length: 6 }, () => ({ id: randomUUID(), label: 'slow' }))];
      await producer.send({
        topic: `${slowPrefix}${Ping.topic}`,
        messages: pings.map((ping) => ({ key: 'same', value: JSON.stringify(ping), headers: { [HEADER.id]: randomUUID(), [HEADER.type]: versionedType(Ping) } })),
      });
      await waitFor(async () => (await Promise.all(pings.map((ping) => effects(ping.id)))).every((rows) => rows.length === 1), 'the slow batch', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const joins = logs.containing('harbor-msgslow').filter((line) => line.includes('consumer joined its group'));
      expect(joins).toHaveLength(1);
      expect(logs.containing('not aware of this member').filter((line) => line.includes('msgslow'))).toEqual([]);
    } finally {
      await slow.stop();
    }
  }, 60_000);

  it('finishes in-flight work and commits its offset on shutdown, so a restart does not redeliver it', async () => {
    const slow = { id: randomUUID(), label: 'slow' };
    await publish(slow);
    await waitFor(async () => handler.attempts.get(slow.id) === 1, 'the slow handler to start');
    await runtime.stop();
    expect(await effects(slow.id)).toHaveLength(1);

    await startRuntime();
    const marker = { id: randomUUID(), label: 'ok' };
    await publish(marker);
    await waitFor(async () => (await effects(marker.id)).length === 1, 'the restarted consumer');
    expect(handler.attempts.get(slow.id)).toBeUndefined();
  });

  /** The group's committed offset and the topic's end, summed over partitions. */
  async function committedAndEnd(): Promise<{ committed: number; end: number }> {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const [group] = await admin.fetchOffsets({ groupId: `${prefix}harbor-msgtest`, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const committed = group.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
      return { committed, end: ends.reduce((sum, { high }) => sum + Number(high), 0) };
    } finally {
      await admin.disconnect();
    }
  }

  it('commits applied offsets at most once per interval, and what is pending on shutdown, so a restart redelivers nothing applied', async () => {
    await runtime.stop();
    await startRuntime({ offsetCommitIntervalMs: 60_000 });
    const applied = { id: randomUUID(), label: 'ok' };
    await publish(applied);
    await waitFor(async () => (await effects(applied.id)).length === 1, 'the ping to be applied');
    // Applied but not yet told to the group: within the interval nothing is committed.
    const before = await committedAndEnd();
    expect(before.committed).toBeLessThan(before.end);
    await runtime.stop();
    expect(await committedAndEnd()).toEqual({ committed: before.end, end: before.end });

    await startRuntime();
    const marker = { id: randomUUID(), label: 'ok' };
    await publish(marker);
    await waitFor(async () => (await effects(marker.id)).length === 1, 'the restarted consumer');
    expect(handler.attempts.get(applied.id)).toBeUndefined();
  });

  it('commits the last records of a trickle once the interval has passed, without waiting for another record', async () => {
    await runtime.stop();
    await startRuntime({ offsetCommitIntervalMs: 300 });
    const last = { id: randomUUID(), label: 'ok' };
    await publish(last);
    await waitFor(async () => (await effects(last.id)).length === 1, 'the ping to be applied');
    await waitFor(async () => {
      const { committed, end } = await committedAndEnd();
      return committed === end;
    }, 'the offset to be committed');
  });

  it('with a fetch minimum, applies a trickle of records in fewer, bigger transactions', async () => {
    await runtime.stop();
    await startRuntime({ fetchMinBytes: 1024 * 1024, batchSize: 50 });
    const pings = Array.from({ length: 5 }, () => ({ id: randomUUID(), label: 'ok' }));
    for (const ping of pings) {
      await publish(ping);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ids = pings.map((ping) => ping.id);
    await waitFor(async () => (await dataSource.query(`SELECT 1 FROM "${SCHEMA}"."effects" WHERE "ping_id" = ANY($1::uuid[])`, [ids])).length === 5, 'the pings to be applied');
    // Rows written by one transaction share its xmin. The broker held each fetch for up to a second (the heartbeat
    // interval), so 0.8 s of records straddle at most one fetch's end; one fetch per record would give five.
    const transactions = await dataSource.query(`SELECT DISTINCT xmin::text FROM "${SCHEMA}"."effects" WHERE "ping_id" = ANY($1::uuid[])`, [ids]);
    expect(transactions.length).toBeLessThanOrEqual(2);
  });
});
