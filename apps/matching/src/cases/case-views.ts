import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseStore } from './case-store';

export interface CaseListFilter {
  status?: string;
  program?: string;
  supporterId?: string;
  from?: string;
  to?: string;
  /** Keyset position: cases strictly before this one (newest first). */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** Whether matching's clocks move (see CaseGauges). */
export interface CaseClock {
  overdue: number;
  oldestOverdueSeconds: number | null;
  oldestUnansweredEscalationSeconds: number | null;
}

/** Rows per section of the cases board: the board is for what needs attention now, not for history. */
export const BOARD_ROWS = 200;

/**
 * The program team's cases board: what waits for a supporter's answer and since when (with the reasons the
 * supporter was chosen), what escalated or could not be resolved and since when, and which follow-ups are due
 * within a day or overdue. Case ids, supporter ids and times only: no clinician, patient or event details.
 */
export interface CasesBoard {
  at: Date;
  awaitingAcknowledgement: {
    caseId: string; supporterId: string; attempt: number; offeredAt: Date; pagedAt: Date | null; respondBy: Date; waitingSeconds: number; reasons: unknown;
  }[];
  escalated: { caseId: string; status: string; escalationReason: string | null; fallbackResource: string | null; since: Date; waitingSeconds: number }[];
  followUpsDue: { caseId: string; supporterId: string | null; sequence: number; dueAt: Date; overdue: boolean }[];
  /** Accepted offers whose supporter was later named in the case's own event: program staff decide (docs/matching.md). */
  supporterNamedInEvent: { caseId: string; supporterId: string; status: string; since: Date; waitingSeconds: number }[];
}

/**
 * What program staff and the metrics read about cases: the list, one case with its offers, deadlines and absorbed
 * triggers, and the clocks. Read-only routes call this directly; everything that changes a case goes through a
 * use case. The one reader besides the owners: it joins `"matching"."cases"` (CaseStore), `"matching"."assignments"`
 * (AssignmentStore), `"matching"."deadlines"` (DeadlineStore) and `"matching"."absorbed_requests"` (CaseStore), and
 * never writes.
 */
@Injectable()
export class CaseViews {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly cases: CaseStore,
  ) {}

  async list(filter: CaseListFilter): Promise<Array<Record<string, unknown> & { id: string; createdAt: Date }>> {
    return this.dataSource.query(
      `SELECT c."id", c."status", c."program", c."trigger_kind" AS "triggerKind", c."category", c."harm_level" AS "harmLevel",
              c."facility", c."department", c."created_at" AS "createdAt", c."updated_at" AS "updatedAt",
              (SELECT a."supporter_id" FROM "matching"."assignments" a WHERE a."case_id" = c."id" ORDER BY a."attempt" DESC LIMIT 1) AS "supporterId",
              (SELECT count(*)::int FROM "matching"."assignments" a WHERE a."case_id" = c."id") AS "offers",
              (SELECT count(*)::int FROM "matching"."absorbed_requests" r WHERE r."case_id" = c."id") AS "absorbedTriggers"
       FROM "matching"."cases" c
       WHERE ($1::text IS NULL OR c."status" = $1) AND ($2::text IS NULL OR c."program" = $2)
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM "matching"."assignments" a WHERE a."case_id" = c."id" AND a."supporter_id" = $3))
         AND ($4::timestamptz IS NULL OR c."created_at" >= $4) AND ($5::timestamptz IS NULL OR c."created_at" < $5)
         AND ($6::timestamptz IS NULL OR (c."created_at", c."id") < ($6, $7::uuid))
       ORDER BY c."created_at" DESC, c."id" DESC LIMIT $8`,
      [filter.status ?? null, filter.program ?? null, filter.supporterId ?? null, filter.from ?? null, filter.to ?? null,
        filter.after?.createdAt ?? null, filter.after?.id ?? null, filter.limit],
    );
  }

  /** The cases board of one program or of all (see CasesBoard), oldest first in each section. */
  async board(program?: string): Promise<CasesBoard> {
    const params = [program ?? null, BOARD_ROWS];
    const [awaitingAcknowledgement, escalated, followUpsDue, supporterNamedInEvent, [{ at }]] = await Promise.all([
      this.dataSource.query(
        `SELECT a."case_id" AS "caseId", a."supporter_id" AS "supporterId", a."attempt", a."offered_at" AS "offeredAt", a."paged_at" AS "pagedAt",
                a."respond_by" AS "respondBy", EXTRACT(EPOCH FROM now() - a."offered_at")::int AS "waitingSeconds", a."reasons"
         FROM "matching"."assignments" a JOIN "matching"."cases" c ON c."id" = a."case_id"
         WHERE a."status" = 'offered' AND ($1::text IS NULL OR c."program" = $1)
         ORDER BY a."offered_at" LIMIT $2`,
        params,
      ),
      this.dataSource.query(
        `SELECT "id" AS "caseId", "status", "escalation_reason" AS "escalationReason", "fallback_resource" AS "fallbackResource",
                "updated_at" AS "since", EXTRACT(EPOCH FROM now() - "updated_at")::int AS "waitingSeconds"
         FROM "matching"."cases" WHERE "status" IN ('escalated', 'unresolved') AND ($1::text IS NULL OR "program" = $1)
         ORDER BY "updated_at" LIMIT $2`,
        params,
      ),
      this.dataSource.query(
        `SELECT d."case_id" AS "caseId",
                (SELECT a."supporter_id" FROM "matching"."assignments" a WHERE a."case_id" = d."case_id" AND a."status" IN ('accepted', 'completed') ORDER BY a."attempt" DESC LIMIT 1) AS "supporterId",
                d."sequence", d."due_at" AS "dueAt", d."due_at" <= now() AS "overdue"
         FROM "matching"."deadlines" d JOIN "matching"."cases" c ON c."id" = d."case_id"
         WHERE d."kind" = 'follow-up' AND d."status" = 'pending' AND d."due_at" <= now() + interval '1 day' AND ($1::text IS NULL OR c."program" = $1)
         ORDER BY d."due_at" LIMIT $2`,
        params,
      ),
      this.dataSource.query(
        `SELECT a."case_id" AS "caseId", a."supporter_id" AS "supporterId", c."status", a."named_in_event_at" AS "since",
                EXTRACT(EPOCH FROM now() - a."named_in_event_at")::int AS "waitingSeconds"
         FROM "matching"."assignments" a JOIN "matching"."cases" c ON c."id" = a."case_id"
         WHERE a."named_in_event_at" IS NOT NULL AND a."status" = 'accepted' AND ($1::text IS NULL OR c."program" = $1)
         ORDER BY a."named_in_event_at" LIMIT $2`,
        params,
      ),
      this.dataSource.query(`SELECT now() AS "at"`),
    ]);
    return { at, awaitingAcknowledgement, escalated, followUpsDue, supporterNamedInEvent };
  }

  /** The case, its offers with the reasons for each decision, its deadlines and absorbed triggers; undefined when unknown. */
  async describe(id: string): Promise<Record<string, unknown> | undefined> {
    const [kase] = await this.dataSource.query(
      `SELECT "id", "status", "program", "trigger_kind" AS "triggerKind", "category", "harm_level" AS "harmLevel", "facility",
              "department", "clinician_id" AS "clinicianId", "created_at" AS "createdAt", "updated_at" AS "updatedAt",
              "accepted_at" AS "acceptedAt", "contacted_at" AS "contactedAt", "closed_at" AS "closedAt",
              "escalation_reason" AS "escalationReason", "fallback_resource" AS "fallbackResource", "outcome",
              "follow_ups_done" AS "followUpsDone", "census" AS "noMatchCensus"
       FROM "matching"."cases" WHERE "id" = $1`,
      [id],
    );
    if (!kase) return undefined;
    const offers = await this.dataSource.query(
      `SELECT "id", "attempt", "supporter_id" AS "supporterId", "status", "offered_at" AS "offeredAt",
              "paged_at" AS "pagedAt", "paged_via" AS "pagedVia", "respond_by" AS "respondBy", "responded_at" AS "respondedAt", "closed_reason" AS "closedReason",
              "named_in_event_at" AS "supporterNamedInEventAt", "reasons", "considered", "excluded"
       FROM "matching"."assignments" WHERE "case_id" = $1 ORDER BY "attempt"`,
      [id],
    );
    const deadlines = await this.dataSource.query(
      `SELECT "kind", "sequence", "due_at" AS "dueAt", "status" FROM "matching"."deadlines" WHERE "case_id" = $1 ORDER BY "due_at"`,
      [id],
    );
    // Later triggers for the same clinician that this case took in instead of paging again (no identifiers).
    const absorbed = await this.cases.absorbedTriggersOf(this.dataSource.manager, id);
    return { ...kase, offers, deadlines, absorbed };
  }

  /**
   * Overdue deadlines (due and not fired) and the age of the most overdue one; the age of the oldest case
   * escalated to (or unresolved and waiting for) program staff. One statement.
   */
  async clock(): Promise<CaseClock> {
    const [clock] = await this.dataSource.query(
      `SELECT
         (SELECT count(*)::int FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now()) AS "overdue",
         (SELECT EXTRACT(EPOCH FROM now() - min("due_at"))::float8 FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now()) AS "oldestOverdueSeconds",
         (SELECT EXTRACT(EPOCH FROM now() - min("updated_at"))::float8 FROM "matching"."cases" WHERE "status" IN ('escalated', 'unresolved')) AS "oldestUnansweredEscalationSeconds"`,
    );
    return clock;
  }
}
