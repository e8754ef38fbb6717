import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import type { KafkaConnectionOptions } from './kafka-connection';
import { ServiceMetrics } from '@harbor/observability';
import { createKafka, createProducer, ensureTopics, KAFKA_CONSUMER_RETRY, TopicSpec, verifyTopicsExist } from './kafka-connection';
import { explainKafkaError, retryKafkaStartup } from './kafka-problems';
import { ConsumerState, EventConsumer, Subscription } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import { registerOutboxGauges } from './outbox-gauges';
import { OutboxWriter } from './outbox-writer';
import { TopicNames } from './topic-names';
import { RetryPolicy } from './retry-policy';
import { EventDefinition, TopicPolicy, topicConfigEntries } from '@harbor/contracts';

export interface MessagingSettings {
  service: string;
  schema: string;
  databaseUrl: string;
  /** Brokers, TLS and SASL (KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL_*). */
  kafka: KafkaConnectionOptions;
  topicPrefix: string;
  retry: RetryPolicy;
  partitions?: number;
  /** Create missing topics at start (development, the default); otherwise only check that they exist. */
  createTopics?: boolean;
  /** Consumer session timeout (KAFKA_SESSION_TIMEOUT_MS). */
  sessionTimeoutMs?: number;
  /** How often applied offsets are committed to the group (KAFKA_OFFSET_COMMIT_INTERVAL_MS). */
  offsetCommitIntervalMs?: number;
  /** How much a fetch waits for, up to the heartbeat interval (KAFKA_FETCH_MIN_BYTES). */
  fetchMinBytes?: number;
  /** Every event this service produces; its topic is created at start if missing, with the event's topic policy. */
  producesTo: Pick<EventDefinition, 'topic' | 'topicPolicy'>[];
  /** Retention of the dead-letter topics of what this service consumes (they may hold inbound personal data). */
  deadLetterPolicy?: TopicPolicy;
  /** This instance's stable name (host and HTTP port), so a restart can take its dead predecessor out of the group. */
  instanceKey?: string;
}

export type ProducerState = 'connecting' | 'connected' | 'disconnected';

/** What readiness needs to know about Kafka. */
export interface MessagingStatus {
  /** `none` for an app without messaging (the console). */
  producer: ProducerState | 'none';
  /** `none` for a service that consumes nothing. */
  consumer: ConsumerState | 'none';
}

/**
 * Everything one service needs to speak Kafka: the outbox writer its use cases call, the relay, and
 * its consumer. Start order: topics, producer, relay, consumer. start() returns once the relay runs;
 * the consumer joins its group in the background (status() says when), so a restarted replica serves
 * HTTP and drains its outbox while the group waits for the dead member's session to expire. Stop order
 * is the reverse, so in-flight records finish and their outbox rows are published before the database
 * closes. A consumer that crashes for good is reported to onFatal listeners: the process must exit.
 */
export class MessagingRuntime {
  readonly topics: TopicNames;
  readonly outbox: OutboxWriter;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly relay: OutboxRelay;
  private consumer?: EventConsumer;
  private consumed: readonly Subscription[] = [];
  private started = false;
  private producerState: ProducerState = 'connecting';
  private fatalReason?: string;
  private readonly fatalListeners: ((reason: string) => void)[] = [];

  constructor(
    private readonly settings: MessagingSettings,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.topics = new TopicNames(settings.topicPrefix);
    this.kafka = createKafka(`harbor-${settings.service}`, settings.kafka, logger);
    this.producer = createProducer(this.kafka);
    this.producer.on(this.producer.events.CONNECT, () => (this.producerState = 'connected'));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerState = 'disconnected'));
    this.outbox = new OutboxWriter(settings.schema, `harbor/${settings.service}`, this.topics);
    this.relay = new OutboxRelay(dataSource, this.producer, { schema: settings.schema, databaseUrl: settings.databaseUrl }, logger, metrics);
    registerOutboxGauges(metrics.registry, dataSource, settings.schema);
  }

  status(): MessagingStatus {
    return { producer: this.producerState, consumer: this.consumer?.state ?? 'none' };
  }

  /** What this service consumes (topics before the prefix, with their handlers), as passed to start(). */
  get subscriptions(): readonly Subscription[] {
    return this.consumed;
  }

  /** Called once, with the reason, when messaging can no longer do its job and will not recover by itself. */
  onFatal(listener: (reason: string) => void): void {
    this.fatalListeners.push(listener);
    if (this.fatalReason) listener(this.fatalReason);
  }

  /**
   * Subscriptions are passed at start, once every handler provider of the app exists. Fails, naming the
   * settings to check, when Kafka refuses the credentials, certificates or ACLs, or a topic is missing.
   */
  async start(subscriptions: Subscription[]): Promise<void> {
    this.consumed = subscriptions;
    const consumed = subscriptions.map((subscription) => subscription.topic);
    const { kafka: connection, service } = this.settings;
    // One attempt per call (no kafkajs retries): retryKafkaStartup decides what is worth retrying.
    const startupKafka = createKafka(`harbor-${service}-startup`, connection, this.logger, { retries: 0 });
    const specs = this.topicSpecs(subscriptions);
    await retryKafkaStartup(
      () => (this.settings.createTopics === false ? verifyTopicsExist(startupKafka, specs) : ensureTopics(startupKafka, specs, this.settings.partitions ?? 3)),
      connection,
      this.logger,
    );
    await this.producer.connect();
    await this.relay.start();
    if (subscriptions.length > 0) {
      const { schema, retry, sessionTimeoutMs, offsetCommitIntervalMs, fetchMinBytes } = this.settings;
      const groupId = this.topics.consumerGroup(service);
      this.consumer = new EventConsumer(
        createKafka(`harbor-${service}`, connection, this.logger, KAFKA_CONSUMER_RETRY),
        this.dataSource,
        this.producer,
        {
          groupId,
          consumerName: `harbor-${service}`,
          schema,
          subscriptions,
          retry,
          topics: this.topics,
          sessionTimeoutMs,
          offsetCommitIntervalMs,
          fetchMinBytes,
          instanceKey: this.settings.instanceKey,
          explain: (error) => explainKafkaError(error, connection),
          onFatal: (reason) => this.fail(reason),
        },
        this.logger,
        this.metrics,
      );
      this.consumer.start().catch((error) => {
        const reason = `consumer group ${groupId} could not start: ${explainKafkaError(error, connection)}`;
        this.logger.error({ groupId, err: reason }, 'consumer could not start');
        this.fail(reason);
      });
    }
    this.started = true;
    this.logger.info({ consumes: consumed, producesTo: this.settings.producesTo.map((definition) => definition.topic) }, 'messaging started');
  }

  private fail(reason: string): void {
    if (this.fatalReason) return;
    this.fatalReason = reason;
    for (const listener of this.fatalListeners) listener(reason);
  }

  /** Produced and consumed topics with their events' policies, and a dead-letter topic per consumed one. */
  private topicSpecs(subscriptions: Subscription[]): TopicSpec[] {
    const produced = this.settings.producesTo.map((definition) => ({ name: this.topics.name(definition.topic), config: topicConfigEntries(definition.topicPolicy) }));
    const consumed = subscriptions.flatMap((subscription) =>
      subscription.handlers.map((handler) => ({ name: this.topics.name(subscription.topic), config: topicConfigEntries(handler.definition.topicPolicy) })),
    );
    const deadLetters = subscriptions.map((subscription) => ({ name: this.topics.deadLetter(subscription.topic), config: topicConfigEntries(this.settings.deadLetterPolicy) }));
    return [...produced, ...consumed, ...deadLetters];
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.consumer?.stop();
    await this.relay.stop();
    await this.producer.disconnect();
  }
}
