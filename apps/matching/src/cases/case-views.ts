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
              "reasons", "considered", "excluded"
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
