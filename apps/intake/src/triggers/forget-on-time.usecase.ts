import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { runExclusivelyInBatches } from '@harbor/persistence';
import { LOGGER } from '@harbor/service-runtime';
import { IntakeRetention } from '../intake.settings';
import { TriageStore } from '../triage/triage-store';
import { TriggerStore } from './trigger-store';

const BATCH = 500;
/** Retention is counted in days: looking every ten minutes keeps a purge at most that late. */
const EVERY_MS = 10 * 60_000;

/**
 * Forgetting on time, intake's part: the clinicians of triggers unchanged for INTAKE_TRIGGER_RETENTION_DAYS are
 * deleted, and open triage items older than INTAKE_TRIAGE_RETENTION_DAYS expire. Every replica schedules it; one
 * runs each turn (runExclusively).
 */
@Injectable()
export class ForgetOnTime {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly triggers: TriggerStore,
    private readonly triage: TriageStore,
    private readonly retention: IntakeRetention,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Interval('intake-forget-on-time', EVERY_MS)
  async onSchedule(): Promise<void> {
    await this.execute().catch((error) => this.logger.error({ err: (error as Error).message }, 'intake purge failed; it runs again on schedule'));
  }

  /** Purges what is due at `now`; how many triggers and triage items (zero for a part another replica holds). */
  async execute(now = new Date()): Promise<{ triggers: number; triageItems: number }> {
    const triggerCutoff = new Date(now.getTime() - this.retention.triggerDays * 86_400_000);
    const triageCutoff = new Date(now.getTime() - this.retention.triageDays * 86_400_000);
    const purged = {
      triggers: await runExclusivelyInBatches(this.dataSource, 'intake-trigger-purge', BATCH, (manager) => this.triggers.purgeCliniciansBefore(manager, triggerCutoff, BATCH)),
      // One statement expires every item due: a batch of any size.
      triageItems: await runExclusivelyInBatches(this.dataSource, 'intake-triage-expiry', Infinity, (manager) => this.triage.expireOpenBefore(manager, triageCutoff)),
    };
    if (purged.triggers + purged.triageItems > 0) this.logger.info({ ...purged, retention: this.retention }, 'identifying data purged on time');
    return purged;
  }
}
