import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER } from '@harbor/service-runtime';
import { PublicationSchedule } from '../reporting.settings';
import { PublishMetrics } from './publish-metrics.usecase';

/** Runs the publication every REPORTING_PUBLISH_INTERVAL_SECONDS (first run shortly after start). */
@Injectable()
export class PublicationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly publish: PublishMetrics,
    private readonly schedule: PublicationSchedule,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.schedule.intervalSeconds;
    if (seconds === 0) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.publish
        .execute()
        .then((count) => count > 0 && this.logger.info({ periods: count }, 'published protected metrics releases'))
        .catch((error: Error) => this.logger.error({ err: error.message }, 'metrics publication failed; retrying next interval'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, Math.min(seconds, 60) * 1000);
    this.timer.unref();
    this.first = setTimeout(tick, 1000);
    this.first.unref();
  }

  /** Before messaging and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    await this.running;
  }
}
