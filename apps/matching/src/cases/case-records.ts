import { EntityManager } from 'typeorm';
import {
  AssignmentClosed, AssignmentCloseReason, CaseLifecycle, CaseLifecycleV1, CaseStatus, TriggerCategory, TriggerKind, HarmLevel, CaseOutcomeV1,
} from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { CaseToMatch } from '../policy/matching-decision';
import { professionGroupOf } from './profession-group';

export interface CaseRow {
  id: string;
  request_id: string;
  program: string;
  event_key: string | null;
  clinician_id: string | null;
  trigger_kind: TriggerKind;
  category: TriggerCategory;
  harm_level: HarmLevel | null;
  event_occurred_at: Date;
  facility: string;
  department: string | null;
  status: CaseStatus;
  outcome: CaseOutcomeV1 | null;
  follow_ups_done: number;
  clinician_profession: string | null;
  clinician_department: string | null;
  clinician_languages: string[] | null;
}

/** Statuses in which matching is still looking for a supporter. */
export const SEARCHING: CaseStatus[] = ['requested', 'offered'];
/** Statuses after which nothing further happens automatically. */
export const FINAL: CaseStatus[] = ['closed', 'declined-by-clinician'];

/**
 * Locks the case row for the caller's transaction. With `skipLocked`, a case another transaction holds
 * returns undefined instead of waiting (the scheduler tries it again on its next tick).
 */
export async function loadCaseForUpdate(manager: EntityManager, caseId: string, skipLocked = false): Promise<CaseRow | undefined> {
  const [row] = await manager.query(
    `SELECT c.*, cl."profession" AS clinician_profession, cl."department" AS clinician_department, cl."languages" AS clinician_languages
     FROM "matching"."cases" c
     LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id"
     WHERE c."id" = $1 FOR UPDATE OF c${skipLocked ? ' SKIP LOCKED' : ''}`,
    [caseId],
  );
  return row;
}

export type LifecycleDetails = Pick<CaseLifecycleV1, 'attempt' | 'supporterId' | 'outcome' | 'followUpSequence' | 'escalationReason' | 'fallbackResource'>;

/** Sets a case's status and tells reporting, in the caller's transaction. */
export async function changeCaseStatus(
  manager: EntityManager,
  outbox: OutboxWriter,
  kase: CaseRow,
  status: CaseStatus,
  details: LifecycleDetails = {},
): Promise<void> {
  await manager.query(
    `UPDATE "matching"."cases" SET "status" = $2, "updated_at" = now(),
       "accepted_at" = CASE WHEN $2 = 'accepted' THEN now() ELSE "accepted_at" END,
       "contacted_at" = CASE WHEN $2 = 'contacted' THEN now() ELSE "contacted_at" END,
       "closed_at" = CASE WHEN $2 IN ('closed', 'declined-by-clinician') THEN now() ELSE "closed_at" END
     WHERE "id" = $1`,
    [kase.id, status],
  );
  kase.status = status;
  await announceCaseStatus(manager, outbox, kase, details);
}

/** Tells reporting the case's current status, in the caller's transaction (a new case is inserted with its first one). */
export async function announceCaseStatus(manager: EntityManager, outbox: OutboxWriter, kase: CaseRow, details: LifecycleDetails = {}): Promise<void> {
  await outbox.enqueue(manager, CaseLifecycle, {
    caseId: kase.id,
    status: kase.status,
    at: new Date().toISOString(),
    trigger: {
      kind: kase.trigger_kind,
      category: kase.category,
      harmLevel: kase.harm_level ?? undefined,
      occurredAt: new Date(kase.event_occurred_at).toISOString(),
    },
    facility: kase.facility,
    department: kase.department ?? undefined,
    professionGroup: professionGroupOf(kase.clinician_profession),
    ...details,
  });
}

/** Gives back the unit of capacity an offer reserved. */
export async function releaseCapacity(manager: EntityManager, supporterId: string): Promise<void> {
  await manager.query(`UPDATE "matching"."supporters" SET "open_cases" = GREATEST("open_cases" - 1, 0) WHERE "id" = $1`, [supporterId]);
}

/**
 * Ends an assignment matching decided to end (expired, escalated, case closed): its status, the supporter's
 * capacity back, and AssignmentClosed so notification stops taking answers and drops released contacts.
 */
export async function closeAssignment(
  manager: EntityManager,
  outbox: OutboxWriter,
  assignment: { id: string; supporterId: string; caseId: string },
  status: 'closed' | 'expired' | 'completed',
  reason: AssignmentCloseReason,
): Promise<void> {
  await manager.query(`UPDATE "matching"."assignments" SET "status" = $2, "closed_reason" = $3 WHERE "id" = $1`, [assignment.id, status, reason]);
  await releaseCapacity(manager, assignment.supporterId);
  await outbox.enqueue(manager, AssignmentClosed, {
    assignmentId: assignment.id, caseId: assignment.caseId, supporterId: assignment.supporterId, reason, closedAt: new Date().toISOString(),
  });
}

export type DeadlineKind = 'ack' | 'overall' | 'follow-up';

export async function scheduleDeadline(
  manager: EntityManager,
  deadline: { kind: DeadlineKind; caseId: string; dueAt: Date; assignmentId?: string; sequence?: number },
): Promise<void> {
  await manager.query(
    `INSERT INTO "matching"."deadlines" ("id", "kind", "case_id", "assignment_id", "sequence", "due_at") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
    [deadline.kind, deadline.caseId, deadline.assignmentId ?? null, deadline.sequence ?? null, deadline.dueAt],
  );
}

/** Cancels a case's pending deadlines of the given kinds (all kinds when none are given). */
export async function cancelDeadlines(manager: EntityManager, caseId: string, kinds?: DeadlineKind[]): Promise<number> {
  const rows: unknown[] = await manager.query(
    `WITH cancelled AS (
       UPDATE "matching"."deadlines" SET "status" = 'cancelled', "settled_at" = now()
       WHERE "case_id" = $1 AND "status" = 'pending' AND ($2::text[] IS NULL OR "kind" = ANY($2)) RETURNING 1
     ) SELECT * FROM cancelled`,
    [caseId, kinds ?? null],
  );
  return rows.length;
}

/** What the policy needs to know about a (locked) case: the clinician's attributes and who must not be asked. */
export async function caseContext(manager: EntityManager, kase: CaseRow, alreadyOffered: string[]): Promise<CaseToMatch> {
  const involved: { clinician_id: string }[] = kase.event_key
    ? await manager.query(
        `SELECT DISTINCT "clinician_id" FROM "matching"."cases" WHERE "event_key" = $1 AND "clinician_id" IS NOT NULL AND "id" <> $2`,
        [kase.event_key, kase.id],
      )
    : [];
  return {
    clinicianId: kase.clinician_id,
    profession: kase.clinician_profession,
    department: kase.clinician_department ?? kase.department,
    languages: kase.clinician_languages ?? [],
    involvedClinicianIds: involved.map((row) => row.clinician_id),
    alreadyOffered,
  };
}
