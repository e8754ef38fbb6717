import { EntityManager } from 'typeorm';
import { CaseStatus, HarmLevel, IdentifierV1, SupportRequestedV1, TriggerCategory, TriggerKind } from '@harbor/contracts';
import { FINAL } from './case-records';

/**
 * "The case is open", written out so the planner can use the partial indexes `cases_open_by_clinician`
 * and `cases_open_by_identifier` (a parameter would hide the statuses from it). Same statuses as FINAL.
 */
const CASE_IS_OPEN = `c."status" NOT IN (${FINAL.map((status) => `'${status}'`).join(', ')})`;

export interface OpenCaseRow {
  id: string;
  status: CaseStatus;
}

/** Whether this request id already opened a case or was already absorbed (a redelivery). */
export async function requestAlreadyHandled(manager: EntityManager, requestId: string): Promise<boolean> {
  const [row] = await manager.query(
    `SELECT EXISTS (SELECT 1 FROM "matching"."cases" WHERE "request_id" = $1)
         OR EXISTS (SELECT 1 FROM "matching"."absorbed_requests" WHERE "request_id" = $1) AS "handled"`,
    [requestId],
  );
  return row.handled;
}

/**
 * The clinician's most recently opened case that is still open: by directory id when the directory knows the
 * clinician, else an unresolved case opened for the same identifier. Most recent, because with a self-referral
 * beside an earlier case that is the one the clinician is engaged in now.
 */
export async function findOpenCase(manager: EntityManager, clinicianId: string | null, identifier: IdentifierV1): Promise<OpenCaseRow | undefined> {
  const [row] = clinicianId
    ? await manager.query(
        `SELECT c."id", c."status" FROM "matching"."cases" c
         WHERE c."clinician_id" = $1 AND ${CASE_IS_OPEN} ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1`,
        [clinicianId],
      )
    : await manager.query(
        `SELECT c."id", c."status" FROM "matching"."cases" c
         WHERE c."clinician_id" IS NULL AND c."identifier_system" = $1 AND c."identifier_value" = $2 AND ${CASE_IS_OPEN}
         ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1`,
        [identifier.system, identifier.value],
      );
  return row;
}

/**
 * Records a request the open case absorbed: the trigger's coarse attributes only (no free text, and no
 * identifier: the case holds the clinician's). Returns false when this request id was recorded before.
 */
export async function recordAbsorbedRequest(manager: EntityManager, caseId: string, request: SupportRequestedV1): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO "matching"."absorbed_requests" ("request_id", "case_id", "trigger_kind", "category", "harm_level",
       "event_occurred_at", "facility", "department")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT ("request_id") DO NOTHING RETURNING 1`,
    [request.requestId, caseId, request.trigger.kind, request.trigger.category, request.trigger.harmLevel ?? null,
      request.trigger.occurredAt, request.facility, request.department ?? null],
  );
  return inserted.length > 0;
}

export interface AbsorbedTriggerView {
  kind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  occurredAt: Date;
  absorbedAt: Date;
}

/** What program staff see of the triggers a case absorbed, oldest first. */
export async function absorbedTriggersOf(manager: EntityManager, caseId: string): Promise<{ count: number; triggers: AbsorbedTriggerView[] }> {
  const triggers: AbsorbedTriggerView[] = await manager.query(
    `SELECT "trigger_kind" AS "kind", "category", "harm_level" AS "harmLevel", "event_occurred_at" AS "occurredAt", "absorbed_at" AS "absorbedAt"
     FROM "matching"."absorbed_requests" WHERE "case_id" = $1 ORDER BY "absorbed_at", "request_id"`,
    [caseId],
  );
  return { count: triggers.length, triggers };
}
