import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';

/**
 * One registry per service process. Labels are limited to operational dimensions (topic, outcome,
 * channel kind): never a person, a case or anything with small, identifying counts.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly messagesConsumed: Counter<'topic' | 'outcome'>;
  readonly messageHandlingSeconds: Histogram<'topic'>;
  readonly outboxPublished: Counter<'topic'>;
  readonly outboxLagSeconds: Histogram;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.messagesConsumed = new Counter({
      name: 'harbor_messages_consumed_total',
      help: 'Kafka records handled, by outcome (processed, duplicate, retried, dead_lettered).',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
    this.messageHandlingSeconds = new Histogram({
      name: 'harbor_message_handling_seconds',
      help: 'Time to handle one Kafka record, including its database transaction.',
      labelNames: ['topic'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.outboxPublished = new Counter({
      name: 'harbor_outbox_published_total',
      help: 'Outbox rows relayed to Kafka.',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.outboxLagSeconds = new Histogram({
      name: 'harbor_outbox_lag_seconds',
      help: 'Time from writing an outbox row to its acknowledged publish.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [this.registry],
    });
  }
}
