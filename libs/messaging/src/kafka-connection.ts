import { Admin, ConfigResourceTypes, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
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

/** A topic Harbor creates, with the config entries it must carry (retention, cleanup policy). */
export interface TopicSpec {
  name: string;
  config?: Record<string, string>;
}

/**
 * Creates any missing topics with their config, brings the declared config entries of existing topics up to
 * date, and waits until they all serve metadata. Several services start at once and race to create shared
 * topics; losing that race is fine, so creation errors are retried.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], partitions: number, attempts = 20): Promise<void> {
  const wanted = mergeSpecs(topics);
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((topic) => !existing.has(topic.name));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({
              topic: topic.name,
              numPartitions: partitions,
              replicationFactor: -1,
              configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
        }
        await alignTopicConfigs(admin, wanted.filter((topic) => existing.has(topic.name)));
        await admin.fetchTopicMetadata({ topics: wanted.map((topic) => topic.name) });
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

/** One spec per topic name; a topic declared twice (produced and consumed) keeps the union of its entries. */
function mergeSpecs(topics: TopicSpec[]): TopicSpec[] {
  const byName = new Map<string, Record<string, string>>();
  for (const topic of topics) byName.set(topic.name, { ...byName.get(topic.name), ...topic.config });
  return [...byName.entries()].map(([name, config]) => ({ name, config }));
}

/** Sets declared entries that differ on topics that already exist (e.g. a retention shortened by an upgrade). */
async function alignTopicConfigs(admin: Admin, topics: TopicSpec[]): Promise<void> {
  const declared = topics.filter((topic) => Object.keys(topic.config ?? {}).length > 0);
  if (declared.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: declared.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.name, configNames: Object.keys(topic.config!) })),
  });
  const current = new Map(described.resources.map((resource) => [resource.resourceName, new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))]));
  const stale = declared.filter((topic) => Object.entries(topic.config!).some(([name, value]) => current.get(topic.name)?.get(name) !== value));
  if (stale.length === 0) return;
  // alterConfigs replaces a topic's dynamic config: every entry Harbor declares for it is sent together.
  await admin.alterConfigs({
    validateOnly: false,
    resources: stale.map((topic) => ({
      type: ConfigResourceTypes.TOPIC,
      name: topic.name,
      configEntries: Object.entries(topic.config!).map(([name, value]) => ({ name, value })),
    })),
  });
}
