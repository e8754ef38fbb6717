import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { runExclusivelyInBatches } from '@harbor/persistence';
import { LOGGER } from '@harbor/service-runtime';
import { GroupDebriefStore } from '../debriefs/group-debrief-store';
import { CaseRetention } from '../matching.settings';
import { AssignmentStore } from './assignment-store';
import { CaseStore } from './case-store';

const BATCH = 500;
/** Retention is counted in days: looking every ten minutes keeps a purge at most that late. */
const EVERY_MS = 10 * 60_000;

/**
 * Forgetting on time: the identifying data of a case closed longer ago than MATCHING_CASE_RETENTION_DAYS is
 * erased (CaseStore.purgeClosedBefore; with it, that a supporter of the case was named in its event), and so is
 * the group-debrief tally of events counted longer ago than that (hashed clinicians per event and unit; the
 * debriefs themselves name nobody and stay). Every replica schedules it; one runs each turn (runExclusively).
 */
@Injectable()
export class PurgeClosedCases {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly retention: CaseRetention,
    private readonly debriefs: GroupDebriefStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Interval('matching-case-purge', EVERY_MS)
  async onSchedule(): Promise<void> {
    await this.execute().catch((error) => this.logger.error({ err: (error as Error).message }, 'case purge failed; it runs again on schedule'));
  }

  /** Purges every case due at `now`, in batches; returns how many (0 when another replica holds the job). */
  async execute(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retention.days * 86_400_000);
    const total = await runExclusivelyInBatches(this.dataSource, 'matching-case-purge', BATCH, async (manager) => {
      const purged = await this.cases.purgeClosedBefore(manager, cutoff, BATCH);
      await this.assignments.forgetSupporterNamedInEvent(manager, purged);
      return purged.length;
    });
    if (total > 0) this.logger.info({ purged: total, retentionDays: this.retention.days }, 'identifying data of closed cases purged');
    const tally = await runExclusivelyInBatches(this.dataSource, 'matching-debrief-tally-purge', BATCH, (manager) => this.debriefs.purgeTallyBefore(manager, cutoff, BATCH));
    if (tally > 0) this.logger.info({ purged: tally, retentionDays: this.retention.days }, 'group-debrief tally rows purged');
    const named = await runExclusivelyInBatches(this.dataSource, 'matching-event-clinicians-purge', BATCH, (manager) => this.cases.purgeEventCliniciansBefore(manager, cutoff, BATCH));
    if (named > 0) this.logger.info({ purged: named, retentionDays: this.retention.days }, 'clinicians named by events purged');
    return total;
  }
}
