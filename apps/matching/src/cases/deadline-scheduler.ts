import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { StaffPageRequested } from '@harbor/contracts';
import { DrainLoop, OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { SchedulerSettings } from '../matching.settings';
import { refreshAvailability } from '../roster/availability-refresh';
import { CaseRow, closeAssignment, DeadlineKind, loadCaseForUpdate, SEARCHING } from './case-records';
import { EscalateCase } from './escalate-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

interface DeadlineRow {
  id: string;
  kind: DeadlineKind;
  case_id: string;
  assignment_id: string | null;
  sequence: number | null;
}

/** Deadlines settled per tick and replica at most, so one tick never runs for long. */
const PER_TICK = 100;

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

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly settings: SchedulerSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
    private readonly escalateCase: EscalateCase,
  ) {
    this.loop = new DrainLoop(
      {
        name: 'matching-deadlines',
        databaseUrl: settings.databaseUrl,
        fallbackPollMs: settings.tickMs,
        work: () => this.settleDue().catch((error) => this.logger.error({ err: (error as Error).message }, 'deadline tick failed; retrying next tick')),
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
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('harbor-matching-availability')) AS locked`);
      if (locked) await refreshAvailability(manager);
    });
  }

  private async settleDue(): Promise<void> {
    await this.refreshAvailabilityIfDue();
    const due: { id: string; case_id: string }[] = await this.dataSource.query(
      `SELECT "id", "case_id" FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now() ORDER BY "due_at" LIMIT ${PER_TICK}`,
    );
    for (const { id, case_id: caseId } of due) {
      if (this.loop.isStopped) break;
      try {
        await this.dataSource.transaction((manager) => this.settle(manager, id, caseId));
      } catch (error) {
        this.logger.warn({ deadlineId: id, caseId, err: (error as Error).message }, 'deadline not settled; will retry');
      }
    }
  }

  private async settle(manager: EntityManager, deadlineId: string, caseId: string): Promise<boolean> {
    const kase = await loadCaseForUpdate(manager, caseId, true);
    if (!kase) return false;
    const [deadline]: DeadlineRow[] = await manager.query(
      `SELECT "id", "kind", "case_id", "assignment_id", "sequence" FROM "matching"."deadlines"
       WHERE "id" = $1 AND "status" = 'pending' FOR UPDATE SKIP LOCKED`,
      [deadlineId],
    );
    if (!deadline) return false;
    await manager.query(`UPDATE "matching"."deadlines" SET "status" = 'fired', "settled_at" = now() WHERE "id" = $1`, [deadlineId]);
    if (deadline.kind === 'ack') await this.expireOffer(manager, kase, deadline);
    else if (deadline.kind === 'overall') {
      if (SEARCHING.includes(kase.status)) await this.escalateCase.execute(manager, kase, 'overall-deadline');
    } else await this.remindSupporter(manager, kase, deadline);
    return true;
  }

  /** The supporter did not answer in time: the offer closes (notification stops taking answers) and the next one is asked. */
  private async expireOffer(manager: EntityManager, kase: CaseRow, deadline: DeadlineRow): Promise<void> {
    const [assignment] = await manager.query(
      `SELECT "id", "supporter_id" FROM "matching"."assignments" WHERE "id" = $1 AND "status" = 'offered' FOR UPDATE`,
      [deadline.assignment_id],
    );
    if (!assignment || !SEARCHING.includes(kase.status)) return;
    await closeAssignment(manager, this.outbox, { id: assignment.id, supporterId: assignment.supporter_id, caseId: kase.id }, 'expired', 'expired');
    await this.offerNextSupporter.execute(manager, kase);
  }

  private async remindSupporter(manager: EntityManager, kase: CaseRow, deadline: DeadlineRow): Promise<void> {
    if (kase.status !== 'contacted' && kase.status !== 'follow-up') return;
    const [supporter] = await manager.query(
      `SELECT s."id", s."channels" FROM "matching"."assignments" a JOIN "matching"."supporters" s ON s."id" = a."supporter_id"
       WHERE a."case_id" = $1 AND a."status" = 'accepted'`,
      [kase.id],
    );
    if (!supporter) return;
    await this.outbox.enqueue(manager, StaffPageRequested, {
      pageId: randomUUID(),
      kind: 'follow-up-reminder',
      caseId: kase.id,
      recipientId: supporter.id,
      channels: supporter.channels,
      sequence: deadline.sequence ?? undefined,
      requestedAt: new Date().toISOString(),
    });
  }
}
