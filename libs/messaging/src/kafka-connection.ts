import { Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the service's JSON logger; its chatty info lines are kept at debug. */
export function createKafka(clientId: string, brokers: string[], logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, error, broker } = log as { message: string; error?: string; broker?: string };
        const method = level === logLevel.INFO ? 'debug' : LEVELS[level] ?? 'debug';
        logger[method]({ component: 'kafkajs', broker, err: error }, message);
      },
  });
}

/**
 * acks=all with one request in flight, so retries keep per-key order. A retried batch may be written
 * twice; consumers absorb that because duplicates carry the same ce_id. (kafkajs's idempotent mode
 * would need unbounded retries, which would hang shutdown during a broker outage.)
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/**
 * Creates any missing topics and waits until they all serve metadata. Several services start at once
 * and race to create shared topics; losing that race is fine, so creation errors are retried.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], partitions: number, attempts = 20): Promise<void> {
  const wanted = [...new Set(topics)];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((topic) => !existing.has(topic));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
          });
        }
        await admin.fetchTopicMetadata({ topics: wanted });
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
