import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';
import { readBuildInfo } from './build-info';

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
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpRequestSeconds: Histogram<'method' | 'route'>;

  /** The service these metrics describe (also the name of its tracer, `harbor-<service>`). */
  constructor(readonly service: string) {
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
      help: 'Time to handle one Kafka record, from its first attempt to success or dead letter, retry waits included; records applied together in one transaction each count that transaction\'s time divided by its records (all topics together).',
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
    // Routes are patterns (`/a/:token`, never the token: the path is a credential); routes a service declares
    // sensitive (intake's trigger submissions) share one label, so no series counts lawsuits against incidents.
    this.httpRequests = new Counter({
      name: 'harbor_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code (`unmatched`: no route, e.g. 404 or a body refused before routing).',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpRequestSeconds = new Histogram({
      name: 'harbor_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being written, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const build = readBuildInfo();
    new Gauge({
      name: 'harbor_build_info',
      help: 'Always 1; the labels say which release and git commit the process runs.',
      labelNames: ['version', 'commit'],
      registers: [this.registry],
    }).set({ version: build.version, commit: build.commit }, 1);
  }
}
