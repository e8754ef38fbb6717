import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { ServiceMetrics } from '@harbor/observability';
import { createKafka, createProducer, ensureTopics, TopicSpec } from './kafka-connection';
import { EventConsumer, Subscription } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { TopicNames } from './topic-names';
import { EventDefinition, topicConfigEntries, TopicPolicy } from './event-definition';
import { RetryPolicy } from './retry-policy';

export interface MessagingSettings {
  service: string;
  schema: string;
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  retry: RetryPolicy;
  partitions?: number;
  /** Every event this service produces; its topic is created at start if missing, with the event's topic policy. */
  producesTo: Pick<EventDefinition, 'topic' | 'topicPolicy'>[];
  /** Retention of the dead-letter topics of what this service consumes (they may hold inbound personal data). */
  deadLetterPolicy?: TopicPolicy;
}

/**
 * Everything one service needs to speak Kafka: the outbox writer its use cases call, the relay, and
 * its consumer. Start order: topics, producer, relay, consumer. Stop order is the reverse, so
 * in-flight records finish and their outbox rows are published before the database closes.
 */
export class MessagingRuntime {
  readonly topics: TopicNames;
  readonly outbox: OutboxWriter;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly relay: OutboxRelay;
  private consumer?: EventConsumer;
  private started = false;

  constructor(
    private readonly settings: MessagingSettings,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.topics = new TopicNames(settings.topicPrefix);
    this.kafka = createKafka(`harbor-${settings.service}`, settings.brokers, logger);
    this.producer = createProducer(this.kafka);
    this.outbox = new OutboxWriter(settings.schema, `harbor/${settings.service}`, this.topics);
    this.relay = new OutboxRelay(dataSource, this.producer, { schema: settings.schema, databaseUrl: settings.databaseUrl }, logger, metrics);
  }

  /** Subscriptions are passed at start, once every handler provider of the app exists. */
  async start(subscriptions: Subscription[]): Promise<void> {
    const consumed = subscriptions.map((subscription) => subscription.topic);
    await ensureTopics(this.kafka, this.topicSpecs(subscriptions), this.settings.partitions ?? 3);
    await this.producer.connect();
    await this.relay.start();
    if (subscriptions.length > 0) {
      const { service, schema, retry } = this.settings;
      this.consumer = new EventConsumer(
        this.kafka,
        this.dataSource,
        this.producer,
        { groupId: `harbor-${service}`, schema, subscriptions, retry, topics: this.topics },
        this.logger,
        this.metrics,
      );
      await this.consumer.start();
    }
    this.started = true;
    this.logger.info({ consumes: consumed, producesTo: this.settings.producesTo.map((definition) => definition.topic) }, 'messaging started');
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
