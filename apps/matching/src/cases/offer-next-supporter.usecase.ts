import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { AssignmentOffered, ChannelAddressV1, EscalationReason } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { LOGGER, SERVICE_ENV } from '@harbor/service-runtime';
import { MatchingEnv } from '../matching.env';
import { CaseRow, changeCaseStatus } from './case-records';
import { rankSupporters, SupporterCandidate } from './supporter-ranking';

/** How many roster rows one decision reads: the matchable index yields the least loaded first. */
const CANDIDATE_WINDOW = 200;

@Injectable()
export class OfferNextSupporter {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_ENV) private readonly env: MatchingEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Offers the case to the best eligible supporter, or escalates when nobody is left to ask. */
  async execute(manager: EntityManager, kase: CaseRow): Promise<void> {
    const previous: { supporter_id: string; attempt: number }[] = await manager.query(
      `SELECT "supporter_id", "attempt" FROM "matching"."assignments" WHERE "case_id" = $1`,
      [kase.id],
    );
    const attempt = previous.length + 1;
    if (attempt > this.env.MATCHING_MAX_OFFERS) return this.escalate(manager, kase, 'offer-limit');

    const candidates = await this.loadCandidates(manager);
    const today = new Date().toISOString().slice(0, 10);
    const { ranked, verdicts } = rankSupporters(
      candidates,
      { clinicianId: kase.clinician_id, clinicianProfession: kase.clinician_profession, alreadyOffered: previous.map((row) => row.supporter_id) },
      today,
    );
    for (const candidate of ranked) {
      const channels = await this.reserve(manager, candidate.id);
      if (!channels) continue; // taken to capacity by a concurrent decision since we read it
      const assignmentId = randomUUID();
      const respondBy = new Date(Date.now() + this.env.MATCHING_ACK_TIMEOUT_MINUTES * 60_000);
      await manager.query(
        `INSERT INTO "matching"."assignments" ("id", "case_id", "supporter_id", "attempt", "status", "reasons", "respond_by")
         VALUES ($1, $2, $3, $4, 'offered', $5, $6)`,
        [assignmentId, kase.id, candidate.id, attempt, JSON.stringify(verdicts), respondBy],
      );
      await this.outbox.enqueue(manager, AssignmentOffered, {
        assignmentId,
        caseId: kase.id,
        attempt,
        supporterId: candidate.id,
        channels,
        respondBy: respondBy.toISOString(),
      });
      await changeCaseStatus(manager, this.outbox, kase, 'offered', { attempt, supporterId: candidate.id });
      return;
    }
    await this.escalate(manager, kase, 'no-eligible-supporter');
  }

  private async loadCandidates(manager: EntityManager): Promise<SupporterCandidate[]> {
    const rows = await manager.query(
      `SELECT "id", "clinician_id", "profession", "status", to_char("training_expires_on", 'YYYY-MM-DD') AS training,
              "open_cases", "max_open_cases", "last_assigned_at"
       FROM "matching"."supporters"
       WHERE "status" = 'active' AND "training_expires_on" >= current_date AND "open_cases" < "max_open_cases"
       ORDER BY "open_cases", "last_assigned_at" NULLS FIRST LIMIT $1`,
      [CANDIDATE_WINDOW],
    );
    return rows.map((row: Record<string, unknown>) => ({
      id: row.id as string,
      clinicianId: row.clinician_id as string | null,
      profession: row.profession as string,
      status: row.status as string,
      trainingExpiresOn: row.training as string,
      openCases: Number(row.open_cases),
      maxOpenCases: Number(row.max_open_cases),
      lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at as string) : null,
    }));
  }

  /**
   * Takes one unit of the supporter's capacity atomically. A supporter row another decision holds right
   * now is skipped (SKIP LOCKED) rather than waited for, so concurrent cases spread over the roster
   * instead of queueing behind the top-ranked supporter; the capacity check is re-done under the lock.
   */
  private async reserve(manager: EntityManager, supporterId: string): Promise<ChannelAddressV1[] | undefined> {
    const [row] = await manager.query(
      // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE returns [rows, count]).
      `WITH candidate AS (
         SELECT "id" FROM "matching"."supporters"
         WHERE "id" = $1 AND "open_cases" < "max_open_cases" AND "status" = 'active'
         FOR UPDATE SKIP LOCKED
       ), reserved AS (
         UPDATE "matching"."supporters" s SET "open_cases" = s."open_cases" + 1, "last_assigned_at" = now()
         FROM candidate WHERE s."id" = candidate."id" RETURNING s."channels"
       ) SELECT * FROM reserved`,
      [supporterId],
    );
    return row?.channels;
  }

  private async escalate(manager: EntityManager, kase: CaseRow, reason: EscalationReason): Promise<void> {
    this.logger.warn({ caseId: kase.id, reason }, 'case escalated to the on-call coordinator');
    await changeCaseStatus(manager, this.outbox, kase, 'escalated', { escalationReason: reason });
  }
}
