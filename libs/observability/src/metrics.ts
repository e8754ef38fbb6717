import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';

/**
 * One registry per service process, served on the service's metrics port only (MetricsServer). The series
 * show that the pipeline moves and where it fails, never what happened to whom: no label names a topic, an
 * event type, a category, a facility or anything else that would turn a counter into a live count of one kind
 * of clinical event (a topic label on `processed` counted lawsuits, released contacts and escalations one by
 * one). Programme figures come from reporting's suppressed aggregates, never from here.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly messagesConsumed: Counter<'outcome'>;
  readonly messageHandlingSeconds: Histogram;
  readonly outboxPublished: Counter;
  readonly outboxLagSeconds: Histogram;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.messagesConsumed = new Counter({
      name: 'harbor_messages_consumed_total',
      help: 'Kafka records handled by this service, all topics together, by outcome (processed, duplicate, retried, dead_lettered).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.messageHandlingSeconds = new Histogram({
      name: 'harbor_message_handling_seconds',
      help: 'Time to handle one Kafka record, including its database transaction (all topics together).',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.outboxPublished = new Counter({
      name: 'harbor_outbox_published_total',
      help: 'Outbox rows relayed to Kafka (all topics together).',
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
