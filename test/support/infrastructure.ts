import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createScratchDatabase, ScratchDatabase } from '@harbor/persistence';

/** What global-setup provided: a real broker and a real Postgres server. */
export function testInfrastructure(): { brokers: string[]; databaseUrl: string } {
  const brokers = process.env.HARBOR_TEST_KAFKA_BROKERS;
  const databaseUrl = process.env.HARBOR_TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('integration tests must run through jest global setup (npm test)');
  return { brokers: brokers.split(','), databaseUrl };
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Every test file gets its own topics: a run id in front of each name. */
export function uniqueTopicPrefix(): string {
  return `t${uniqueSuffix()}.`;
}

/** A fresh database per test file, so services' fixed schema names never collide between files or runs. */
export async function createTestDatabase(): Promise<ScratchDatabase> {
  return createScratchDatabase(testInfrastructure().databaseUrl, 'harbor_test');
}

/** Collects every log line the services write, so tests can assert what was (not) logged. */
/**
 * A test's own connection pool. Postgres may end an idle connection under it (a test that terminates backends, a
 * database dropped WITH (FORCE), a server restart): the pool drops that connection and opens another on the next
 * query. Without the listener that 'error' would end the whole jest process mid-suite.
 */
export function testPool(connectionString: string, max: number): Pool {
  // eslint-disable-next-line no-restricted-syntax -- listens for 'error' just below
  const pool = new Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
}

export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk, _encoding, done) => {
      const text = chunk.toString();
      this.lines.push(...text.split('\n').filter(Boolean));
      if (process.env.HARBOR_TEST_LOGS === '1') process.stdout.write(text);
      done();
    },
  });

  containing(needle: string): string[] {
    return this.lines.filter((line) => line.includes(needle));
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export function kafkaClient(clientId = 'harbor-test'): Kafka {
  return new Kafka({ clientId, brokers: testInfrastructure().brokers, logLevel: logLevel.NOTHING });
}

/** Reads a topic from the beginning with a throwaway consumer group until `count` records arrived. */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafkaClient().consumer({ groupId: `test-reader-${uniqueSuffix()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(async () => messages.length >= count, `${count} record(s) on ${topic}`, timeoutMs);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Deletes a finished test file's topics. Every file makes its own (about 25, each with partitions and a
 * dead-letter twin); left behind, a whole run's thousands of partitions fill the local broker's heap.
 */
export async function deleteTopicsWithPrefix(prefix: string): Promise<void> {
  const admin = kafkaClient('harbor-test-cleanup').admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // Best effort: a broker a test stopped on purpose, or one still busy, keeps the topics; nothing depends on it.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
