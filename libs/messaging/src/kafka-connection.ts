import { Admin, ConfigResourceTypes, Kafka, logLevel, LogEntry, Partitioners, Producer, RetryOptions, SASLOptions } from 'kafkajs';
import { Logger } from 'pino';
import { MissingTopicsError } from './kafka-problems';

/** The SASL mechanisms a Harbor Kafka client may use (kafkajs accepts each). */
export type KafkaSaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';

/**
 * How a Kafka client reaches the cluster: where, with TLS or not, and as whom. Messaging owns this shape (it is
 * what its clients need); `@harbor/config` builds it from KAFKA_* settings, so this library never reads settings.
 */
export interface KafkaConnectionOptions {
  brokers: string[];
  /** Present when the listener speaks TLS. No `ca`: the system's trusted CAs. `cert` and `key`: mutual TLS. */
  ssl?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Error responses that are part of starting several services at once, which the caller decides on: a CreateTopics
 * that lost the race to another service (the topic exists: ensureTopics goes on; kafkajs names every creation error
 * alike, and one that really fails is thrown and logged by the caller with its cause), and a Metadata answer while a
 * new topic's leader is being elected or before the broker hosts it (kafkajs and ensureTopics retry). kafkajs logs
 * every error response at error level, so a normal start printed errors. Other Metadata errors (an authorization
 * failure above all) stay errors.
 */
function isStartupRaceResponse(message: string, error: string | undefined): boolean {
  if (message.startsWith('Response CreateTopics(')) return true;
  return message.startsWith('Response Metadata(') && error !== undefined && /^(There is no leader for this topic-partition|This server does not host this topic-partition)/.test(error);
}

/** The service logger's level for a kafkajs log line: its chatty info lines and the start-up races above at debug. */
export function kafkajsLogLevel(level: logLevel, message: string, error?: string): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.INFO || isStartupRaceResponse(message, error)) return 'debug';
  return LEVELS[level] ?? 'debug';
}

/** Text of what kafkajs passed: it logs an Error object as the message in places (brokerPool's connect). */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  return String(value);
}

/** One kafkajs log entry as a service log line, whatever types kafkajs put in it. */
export function kafkajsLogLine(level: logLevel, log: LogEntry['log']): { method: ReturnType<typeof kafkajsLogLevel>; message: string; error?: string; broker?: string } {
  const entry = log as unknown as Record<string, unknown>;
  const message = asText(entry.message) ?? '';
  const error = asText(entry.error);
  return { method: kafkajsLogLevel(level, message, error), message, error, broker: asText(entry.broker) };
}

/**
 * Retries of every Harbor Kafka client. kafkajs's default ceiling is 30 s per wait, and a consumer that gave up
 * restarts after the last wait: consumers resumed up to 30 s after a broker came back. At most 2 s per wait
 * keeps recovery within seconds of the broker answering again; 10 retries still ride out a broker restart.
 */
export const KAFKA_RETRY: RetryOptions = { initialRetryTime: 200, maxRetryTime: 2_000, retries: 10 };

/**
 * Retries of the consumers' client: the same waits, for about a minute. A consumer whose retries run out crashes
 * and kafkajs restarts it as a new group member; after a broker restart that keeps its metadata (SIGTERM) the
 * group then waits for the old member's session to expire, which cost 6–7 s of recovery in the chaos tier.
 * Riding out a broker restart (10–25 s here) keeps the member, and the consumer fetches again within about a
 * second of the broker answering. Producers keep KAFKA_RETRY: a send is retried by the relay, and a long wait
 * there would only hold up shutdown.
 */
export const KAFKA_CONSUMER_RETRY: RetryOptions = { ...KAFKA_RETRY, retries: 30 };

/**
 * kafkajs logs through the service's JSON logger (levels: kafkajsLogLevel). TLS and SASL as
 * the connection settings say (KAFKA_SSL*, KAFKA_SASL_*).
 */
export function createKafka(clientId: string, connection: KafkaConnectionOptions, logger: Logger, retry: RetryOptions = KAFKA_RETRY): Kafka {
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl ? { ...connection.ssl } : undefined,
    // The mechanism union is the same three kafkajs accepts; TypeScript cannot match a union to its overloads.
    sasl: connection.sasl ? ({ ...connection.sasl } as SASLOptions) : undefined,
    // Room for a TLS handshake on a busy node; a broker that does not answer at all is still noticed quickly.
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    retry,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        // A logger that throws fails the Kafka call it logs (kafkajs wraps the throw as non-retriable).
        try {
          const line = kafkajsLogLine(level, log);
          logger[line.method]({ component: 'kafkajs', broker: line.broker, err: line.error }, line.message);
        } catch {
          // Nothing to do: the call goes on unlogged rather than failing.
        }
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
 * Consumer group timing, chosen for failover in seconds. A member that dies without leaving (kill -9, a lost
 * node) keeps its partitions until its session expires, and a restarted replica cannot join before that: the
 * session timeout is the recovery time. 6 s is the smallest the broker accepts by default
 * (group.min.session.timeout.ms); a heartbeat every 1 s and fetches that return after at most 1 s when idle
 * (kafkajs heartbeats between fetches) leave five missed heartbeats before a live member is expelled.
 */
export function consumerTiming(sessionTimeoutMs: number): { sessionTimeout: number; heartbeatInterval: number; maxWaitTimeInMs: number } {
  const heartbeatInterval = Math.max(500, Math.min(3_000, Math.floor(sessionTimeoutMs / 6)));
  return { sessionTimeout: sessionTimeoutMs, heartbeatInterval, maxWaitTimeInMs: heartbeatInterval };
}

/** A topic Harbor creates, with the config entries it must carry (retention, cleanup policy). */
export interface TopicSpec {
  name: string;
  config?: Record<string, string>;
}

/**
 * Creates any missing topics with their config, brings the declared config entries of existing topics up to
 * date, and waits until they all serve metadata. Several services start at once and race to create shared
 * topics; a lost race fails this attempt, and the caller's retry (retryKafkaStartup) finds the topic there.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], partitions: number): Promise<void> {
  const wanted = mergeSpecs(topics);
  const admin = kafka.admin();
  await admin.connect();
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
  } finally {
    await admin.disconnect();
  }
}

/**
 * For deployments where topics are resources of their own (KAFKA_CREATE_TOPICS=false): every topic must exist
 * and be visible to this client, otherwise start-up stops naming the missing ones. Nothing is created or altered.
 */
export async function verifyTopicsExist(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = mergeSpecs(topics)
      .map((topic) => topic.name)
      .filter((name) => !existing.has(name))
      .sort();
    if (missing.length > 0) throw new MissingTopicsError(missing);
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

interface LeaveCapableCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<{ leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown> }>;
}

/**
 * Takes a member out of a consumer group, as that member would on a clean shutdown (LeaveGroup). kafkajs has no
 * public call for this, so it uses the client's own cluster factory (kafkajs 2.x internals); false when that is not
 * there or the broker refused (e.g. the member is already gone), and the caller simply waits for the session.
 */
export async function leaveGroupFor(kafka: Kafka, groupId: string, memberId: string): Promise<boolean> {
  const factory = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === 'private:Kafka:createCluster');
  if (!factory) return false;
  const createCluster = (kafka as unknown as Record<symbol, (options: object) => LeaveCapableCluster>)[factory];
  const cluster = createCluster({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
  try {
    await cluster.connect();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } catch {
    return false;
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
