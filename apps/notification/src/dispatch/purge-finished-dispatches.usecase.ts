import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { runExclusivelyInBatches } from '@harbor/persistence';
import { LOGGER } from '@harbor/service-runtime';
import { DispatchRetention } from '../notification.settings';
import { DispatchStore } from './dispatch-store';

const BATCH = 500;
/** Retention is counted in days: looking every ten minutes keeps a purge at most that late. */
const EVERY_MS = 10 * 60_000;

/**
 * Forgetting on time, notification's part: a page finished longer ago than NOTIFY_DISPATCH_RETENTION_DAYS keeps
 * only its channel kinds (released contacts go at close already). Every replica schedules it; one runs each turn.
 */
@Injectable()
export class PurgeFinishedDispatches {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly dispatches: DispatchStore,
    private readonly retention: DispatchRetention,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Interval('notification-dispatch-purge', EVERY_MS)
  async onSchedule(): Promise<void> {
    await this.execute().catch((error) => this.logger.error({ err: (error as Error).message }, 'dispatch purge failed; it runs again on schedule'));
  }

  /** Purges every finished page due at `now`; how many (0 when another replica holds the job). */
  async execute(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retention.days * 86_400_000);
    const total = await runExclusivelyInBatches(this.dataSource, 'notification-dispatch-purge', BATCH, (manager) =>
      this.dispatches.purgeAddressesBefore(manager, cutoff, BATCH));
    if (total > 0) this.logger.info({ purged: total, retentionDays: this.retention.days }, 'addresses of finished pages purged');
    return total;
  }
}
