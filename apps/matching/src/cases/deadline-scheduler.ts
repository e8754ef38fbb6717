import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { RepeatedFailureLog } from '@harbor/observability';
import { StaffPageRequested } from '@harbor/contracts';
import { DrainLoop, OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { SchedulerSettings } from '../matching.settings';
import { SupporterStore } from '../roster/supporter-store';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore, MatchingCase, SEARCHING } from './case-store';
import { Deadline, DeadlineStore } from './deadline-store';
import { EscalateCase } from './escalate-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/** Deadlines settled per tick and replica at most, so one tick never runs for long. */
const PER_TICK = 100;
/**
 * A capacity hold unclaimed this long belongs to a decision whose transaction never committed (its claim follows
 * the hold by one statement). Releasing a hold too early is safe, only wasteful: the claim then fails and the
 * decision is taken again.
 */
const HOLD_ABANDONED_AFTER_SECONDS = 10;
const HOLD_SWEEP_EVERY_MS = 5_000;

/**
 * Fires due deadlines: rows in `matching.deadlines`, so they survive restarts. Every replica ticks; each
 * deadline is settled in one transaction that first takes its case row with SKIP LOCKED (a case busy
 * elsewhere waits for the next tick), then re-reads the deadline under lock and marks it fired. The
 * consumers lock the case before they touch its deadlines too, so the two never deadlock, and a
 * deadline fires at most once however many replicas run. The same tick refreshes supporters' cached
 * availability every MATCHING_AVAILABILITY_REFRESH_SECONDS.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Poll only: deadlines become due with time, not with a commit. Ticks never overlap; stop waits for the current one. */
  private readonly loop: DrainLoop;
  private nextAvailabilityRefresh = 0;
  private nextHoldSweep = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly settings: SchedulerSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
    private readonly escalateCase: EscalateCase,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly deadlines: DeadlineStore,
    private readonly supporters: SupporterStore,
  ) {
    const failures = new RepeatedFailureLog(logger, 'deadline tick');
    this.loop = new DrainLoop(
      {
        name: 'matching-deadlines',
        databaseUrl: settings.databaseUrl,
        fallbackPollMs: settings.tickMs,
        // A database outage fails every tick (one a second): logged once, then every 30 s, then when it works again.
        work: () => this.settleDue().then(() => failures.succeeded(), (error) => failures.failed(error)),
      },
      logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One replica at a time recomputes who is on call now (see refreshAvailability), every MATCHING_AVAILABILITY_REFRESH_SECONDS. */
  private async refreshAvailabilityIfDue(): Promise<void> {
    if (Date.now() < this.nextAvailabilityRefresh) return;
    this.nextAvailabilityRefresh = Date.now() + this.settings.availabilityRefreshSeconds * 1000;
    await this.dataSource.transaction(async (manager) => {
      if (await this.supporters.tryLockAvailabilityRefresh(manager)) await this.supporters.refreshAvailability(manager);
    });
  }

  /** Gives back capacity held for decisions that never committed (every replica may sweep; SKIP LOCKED divides the rows). */
  private async releaseAbandonedHoldsIfDue(): Promise<void> {
    if (Date.now() < this.nextHoldSweep) return;
    this.nextHoldSweep = Date.now() + HOLD_SWEEP_EVERY_MS;
    const released = await this.supporters.releaseAbandonedHolds(HOLD_ABANDONED_AFTER_SECONDS);
    if (released > 0) this.logger.warn({ released }, 'gave back supporter capacity held for decisions that never committed');
  }

  private async settleDue(): Promise<void> {
    await this.refreshAvailabilityIfDue();
    await this.releaseAbandonedHoldsIfDue();
    const due = await this.deadlines.due(PER_TICK);
    for (const { id, caseId } of due) {
      if (this.loop.isStopped) break;
      try {
        await this.dataSource.transaction((manager) => this.settle(manager, id, caseId));
      } catch (error) {
        this.logger.warn({ deadlineId: id, caseId, err: (error as Error).message }, 'deadline not settled; will retry');
      }
    }
  }

  private async settle(manager: EntityManager, deadlineId: string, caseId: string): Promise<boolean> {
    const kase = await this.cases.loadForUpdate(manager, caseId, true);
    if (!kase) return false;
    const deadline = await this.deadlines.claim(manager, deadlineId);
    if (!deadline) return false;
    if (deadline.kind === 'ack') await this.expireOffer(manager, kase, deadline);
    else if (deadline.kind === 'overall') {
      if (SEARCHING.includes(kase.status)) await this.escalateCase.execute(manager, kase, 'overall-deadline');
    } else await this.remindSupporter(manager, kase, deadline);
    return true;
  }

  /** The supporter did not answer in time: the offer closes (notification stops taking answers) and the next one is asked. */
  private async expireOffer(manager: EntityManager, kase: MatchingCase, deadline: Deadline): Promise<void> {
    const assignment = await this.assignments.lockIfOffered(manager, deadline.assignmentId);
    if (!assignment || !SEARCHING.includes(kase.status)) return;
    await this.records.closeAssignment(manager, { ...assignment, caseId: kase.id }, 'expired', 'expired');
    await this.offerNextSupporter.execute(manager, kase);
  }

  private async remindSupporter(manager: EntityManager, kase: MatchingCase, deadline: Deadline): Promise<void> {
    if (kase.status !== 'contacted' && kase.status !== 'follow-up') return;
    const accepted = await this.assignments.accepted(manager, kase.id);
    const channels = accepted && (await this.supporters.channelsOf(manager, accepted.supporterId));
    if (!accepted || !channels) return;
    await this.outbox.enqueue(manager, StaffPageRequested, {
      pageId: randomUUID(),
      kind: 'follow-up-reminder',
      caseId: kase.id,
      recipientId: accepted.supporterId,
      channels,
      sequence: deadline.sequence ?? undefined,
      requestedAt: new Date().toISOString(),
    });
  }
}
