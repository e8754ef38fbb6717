import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { MessagingRuntime, MessagingStatus } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER } from './tokens';

export type Lifecycle = 'running' | 'shutting-down' | 'failed';

/** What /health/ready reports: each thing the service needs to do its job. Nothing here identifies anyone. */
export interface ReadinessChecks {
  lifecycle: Lifecycle;
  database: 'up' | 'down';
  kafkaProducer: MessagingStatus['producer'];
  kafkaConsumer: MessagingStatus['consumer'];
}

/**
 * Ready means the service can do its whole job now: the database answers, the producer is connected, the
 * consumer group is joined (a service without consumers has nothing to join), and it is neither shutting down
 * nor failed. A consumer restarting after a broker outage is not ready until it has joined again.
 */
export function isReady(checks: ReadinessChecks): boolean {
  return (
    checks.lifecycle === 'running' &&
    checks.database === 'up' &&
    (checks.kafkaProducer === 'connected' || checks.kafkaProducer === 'none') &&
    (checks.kafkaConsumer === 'joined' || checks.kafkaConsumer === 'none')
  );
}

/** A readiness probe must answer within its own timeout, also when Postgres hangs instead of refusing. */
const DATABASE_CHECK_TIMEOUT_MS = 2_000;

/**
 * Readiness and the service's fatal state. Goes unready first thing at shutdown (module destroy runs before
 * any drain), and when messaging fails for good (a consumer kafkajs will not restart): then the registered
 * onFatal listeners run — runService exits the process so Kubernetes restarts it.
 */
@Injectable()
export class ServiceHealth implements OnModuleDestroy {
  private shuttingDown = false;
  private fatalReason?: string;
  private readonly fatalListeners: ((reason: string) => void)[] = [];

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly messaging: MessagingRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    messaging.onFatal((reason) => this.fail(reason));
    this.registerGauges(metrics);
  }

  /** Readiness as series, so an alert sees a crashed consumer or an unready pod without probing it. */
  private registerGauges(metrics: ServiceMetrics): void {
    const messaging = this.messaging;
    new Gauge({
      name: 'harbor_consumer_up',
      help: "1 while the service's Kafka consumer is in its group and consuming, 0 while it is starting, rejoining, crashed or stopped; absent for a service without consumers.",
      registers: [metrics.registry],
      collect() {
        this.reset();
        const { consumer } = messaging.status();
        if (consumer !== 'none') this.set(consumer === 'joined' ? 1 : 0);
      },
    });
    const checks = () => this.checks();
    new Gauge({
      name: 'harbor_ready',
      help: '1 when /health/ready would answer 200 (database, producer, consumer group, not shutting down or failed), else 0.',
      registers: [metrics.registry],
      async collect() {
        this.set(isReady(await checks()) ? 1 : 0);
      },
    });
  }

  get failure(): string | undefined {
    return this.fatalReason;
  }

  onFatal(listener: (reason: string) => void): void {
    this.fatalListeners.push(listener);
    if (this.fatalReason) listener(this.fatalReason);
  }

  fail(reason: string): void {
    if (this.fatalReason) return;
    this.fatalReason = reason;
    this.logger.fatal({ reason }, 'the service cannot do its job any more and stops, so that it is restarted');
    for (const listener of this.fatalListeners) listener(reason);
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
    this.logger.info('not ready: shutting down');
  }

  async checks(): Promise<ReadinessChecks> {
    const lifecycle: Lifecycle = this.fatalReason ? 'failed' : this.shuttingDown ? 'shutting-down' : 'running';
    const { producer, consumer } = this.messaging.status();
    return { lifecycle, database: await this.databaseState(), kafkaProducer: producer, kafkaConsumer: consumer };
  }

  private async databaseState(): Promise<'up' | 'down'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), DATABASE_CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
