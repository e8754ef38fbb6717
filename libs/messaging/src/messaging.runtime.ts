import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { ServiceMetrics } from '@harbor/observability';
import { createKafka, createProducer, ensureTopics } from './kafka-connection';
import { EventConsumer, Subscription } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { TopicNames } from './topic-names';
import { RetryPolicy } from './retry-policy';

export interface MessagingSettings {
  service: string;
  schema: string;
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  retry: RetryPolicy;
  partitions?: number;
  /** Every topic this service produces to; created (with its .dlq) at start if missing. */
  producesTo: string[];
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
    const names = [...this.settings.producesTo, ...consumed].map((topic) => this.topics.name(topic));
    await ensureTopics(this.kafka, [...names, ...consumed.map((topic) => this.topics.deadLetter(topic))], this.settings.partitions ?? 3);
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
    this.logger.info({ consumes: consumed, producesTo: this.settings.producesTo }, 'messaging started');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.consumer?.stop();
    await this.relay.stop();
    await this.producer.disconnect();
  }
}
