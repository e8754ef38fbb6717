import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sendWithNextStatement } from '@harbor/persistence';
import {
  CaseOutcomeV1, CaseStatus, EscalationReason, HarmLevel, IdentifierV1, SupportRequestedV1, TriggerCategory, TriggerKind,
} from '@harbor/contracts';
import { ResolvedClinician, resolveIdentifierSql, toResolvedClinician } from '../directory/directory-store';
import { MatchingDecision } from '../policy/matching-decision';

/** A case as matching's use cases see it, with the directory's attributes of its clinician. */
export interface MatchingCase {
  id: string;
  requestId: string;
  program: string;
  /** Requests naming the same event share it (see eventKeyOf). */
  eventKey: string | null;
  /** Null while the directory does not know the clinician (an unresolved case). */
  clinicianId: string | null;
  triggerKind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  eventOccurredAt: Date;
  facility: string;
  department: string | null;
  status: CaseStatus;
  outcome: CaseOutcomeV1 | null;
  followUpsDone: number;
  clinicianProfession: string | null;
  clinicianDepartment: string | null;
  clinicianLanguages: string[] | null;
}

/** A case as a support request opens it (status `requested`). */
export interface NewCase {
  id: string;
  requestId: string;
  clinicianId: string | null;
  identifier: IdentifierV1;
  triggerKind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  eventOccurredAt: string;
  facility: string;
  department: string | null;
  program: string;
  eventKey: string;
}

export interface OpenCaseStatus {
  id: string;
  status: CaseStatus;
}

export interface AbsorbedTriggerView {
  kind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  occurredAt: Date;
  absorbedAt: Date;
}

/** Statuses in which matching is still looking for a supporter. */
export const SEARCHING: CaseStatus[] = ['requested', 'offered'];
/** Statuses after which nothing further happens automatically. */
export const FINAL: CaseStatus[] = ['closed', 'declined-by-clinician'];

/**
 * "The case is open", written out so the planner can use the partial indexes `cases_open_by_clinician`
 * and `cases_open_by_identifier` (a parameter would hide the statuses from it). Same statuses as FINAL.
 */
const CASE_IS_OPEN = `c."status" NOT IN (${FINAL.map((status) => `'${status}'`).join(', ')})`;

/** The case's columns and its clinician's directory attributes (c = the case, cl = the clinician). */
const CASE_COLUMNS = `c."id", c."request_id", c."program", c."event_key", c."clinician_id", c."trigger_kind", c."category", c."harm_level",
       c."event_occurred_at", c."facility", c."department", c."status", c."outcome", c."follow_ups_done",
       cl."profession" AS "clinician_profession", cl."department" AS "clinician_department", cl."languages" AS "clinician_languages"`;

interface CaseRow {
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

/** The row as the use cases read it: camelCase, the event's time a Date. */
export function toMatchingCase(row: CaseRow): MatchingCase {
  return {
    id: row.id,
    requestId: row.request_id,
    program: row.program,
    eventKey: row.event_key,
    clinicianId: row.clinician_id,
    triggerKind: row.trigger_kind,
    category: row.category,
    harmLevel: row.harm_level,
    eventOccurredAt: new Date(row.event_occurred_at),
    facility: row.facility,
    department: row.department,
    status: row.status,
    outcome: row.outcome,
    followUpsDone: Number(row.follow_ups_done),
    clinicianProfession: row.clinician_profession,
    clinicianDepartment: row.clinician_department,
    clinicianLanguages: row.clinician_languages,
  };
}

function requestHandledSql(requestId: string): string {
  return `(EXISTS (SELECT 1 FROM "matching"."cases" WHERE "request_id" = ${requestId})
           OR EXISTS (SELECT 1 FROM "matching"."absorbed_requests" WHERE "request_id" = ${requestId}))`;
}

/** The query of CaseStore.findOpen, its values appended to `params`. */
function openCaseSql(clinicianId: string | null, identifier: IdentifierV1, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const match = clinicianId
    ? `c."clinician_id" = ${param(clinicianId)}`
    : `c."clinician_id" IS NULL AND c."identifier_system" = ${param(identifier.system)} AND c."identifier_value" = ${param(identifier.value)}`;
  return `SELECT c."id", c."status" FROM "matching"."cases" c WHERE ${match} AND ${CASE_IS_OPEN} ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1`;
}

/**
 * The directory clinicians event `eventKey` named besides `clinicianId` (SQL expressions). Also those of the event's
 * cases: a previous release, still running during a rolling update, opens cases without noting their clinicians.
 */
function eventCliniciansSql(eventKey: string, clinicianId: string): string {
  return `SELECT e."clinician_id" FROM "matching"."event_clinicians" e WHERE e."event_key" = ${eventKey} AND e."clinician_id" IS DISTINCT FROM ${clinicianId}
    UNION SELECT c."clinician_id" FROM "matching"."cases" c
     WHERE c."event_key" = ${eventKey} AND c."clinician_id" IS NOT NULL AND c."clinician_id" IS DISTINCT FROM ${clinicianId}`;
}

/** Marks a transaction's query runner once it holds a clinician lock (see resolveAndLockClinician). */
const HOLDS_CLINICIAN_LOCK = 'matchingHoldsClinicianLock';

/** The prefix of an event's lock (see resolveAndLockClinician). */
const EVENT_LOCK_PREFIX = 'matching:event:';

/**
 * The calls that take the advisory locks named by the SQL expressions `keys`, in one statement. The transaction's
 * first locks are waited for (`waits`: each call returns nothing); later ones are only tried (each returns true
 * when taken; re-entrant, so a batch holding this very clinician's or event's lock gets it again).
 */
function advisoryLockCalls(manager: EntityManager, keys: string[]): { sql: string[]; waits: boolean } {
  const waits = !manager.queryRunner?.data?.[HOLDS_CLINICIAN_LOCK];
  const call = waits ? 'pg_advisory_xact_lock' : 'pg_try_advisory_xact_lock';
  return { sql: keys.map((key) => `${call}(hashtextextended(${key}, 0))`), waits };
}

/** After advisoryLockCalls: marks the transaction as holding its locks, or refuses a later lock held elsewhere. */
function noteAdvisoryLocks(manager: EntityManager, calls: { waits: boolean }, locked: unknown[]): void {
  if (!calls.waits && locked.some((taken) => taken !== true)) throw new ClinicianLockBusyError();
  const runner = manager.queryRunner;
  if (runner && !runner.data?.[HOLDS_CLINICIAN_LOCK]) runner.data = { ...runner.data, [HOLDS_CLINICIAN_LOCK]: true };
}

/**
 * A transaction that already holds one clinician's (and event's) lock found another clinician's or event's lock taken. Thrown
 * instead of waiting, so two batches can never wait on each other; the consumer rolls the batch back
 * and applies its records one per transaction, where each waits for its single lock.
 */
export class ClinicianLockBusyError extends Error {
  constructor() {
    super('another transaction is deciding a clinician or an event of this batch; applying its records one by one');
    this.name = 'ClinicianLockBusyError';
  }
}

/**
 * The one owner of `"matching"."cases"` and of the requests a case absorbed, `"matching"."absorbed_requests"`.
 * Every method takes the caller's EntityManager, so reads and writes join its transaction (the case lock
 * above all). Reads join the directory's `"matching"."clinicians"` (read only: the directory is
 * directory-store.ts's). CaseViews (case-views.ts) reads these tables for staff's read-only routes and
 * metrics; nothing else names them.
 */
@Injectable()
export class CaseStore {
  /**
   * Locks the case row for the caller's transaction. With `skipLocked`, a case another transaction holds
   * returns undefined instead of waiting (the scheduler tries it again on its next tick).
   */
  async loadForUpdate(manager: EntityManager, caseId: string, skipLocked = false): Promise<MatchingCase | undefined> {
    const [row] = await manager.query(
      `SELECT ${CASE_COLUMNS}
       FROM "matching"."cases" c LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id"
       WHERE c."id" = $1 FOR UPDATE OF c${skipLocked ? ' SKIP LOCKED' : ''}`,
      [caseId],
    );
    return row && toMatchingCase(row);
  }

  /** The case without a lock (for a read in the caller's snapshot); undefined when unknown. */
  async load(manager: EntityManager, caseId: string): Promise<MatchingCase | undefined> {
    const [row] = await manager.query(
      `SELECT ${CASE_COLUMNS} FROM "matching"."cases" c LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id" WHERE c."id" = $1`,
      [caseId],
    );
    return row && toMatchingCase(row);
  }

  /**
   * Inserts the case as `requested`, with the transaction's next statement (nothing reads this one's answer). Only for
   * a request priorHandling found unhandled under the clinician's lock: a second case for the same request id is then
   * impossible, and would fail the transaction on the unique request id instead of being skipped.
   */
  async insert(manager: EntityManager, kase: NewCase): Promise<void> {
    await sendWithNextStatement(
      manager,
      `INSERT INTO "matching"."cases" ("id", "request_id", "clinician_id", "identifier_system", "identifier_value",
         "trigger_kind", "category", "harm_level", "event_occurred_at", "facility", "department", "status", "program", "event_key")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'requested', $12, $13)`,
      [kase.id, kase.requestId, kase.clinicianId, kase.identifier.system, kase.identifier.value, kase.triggerKind, kase.category, kase.harmLevel,
        kase.eventOccurredAt, kase.facility, kase.department, kase.program, kase.eventKey],
    );
  }

  /**
   * Sets the status and stamps the moment it was accepted, contacted or closed; sent with the transaction's next
   * statement, which runs after it (nothing reads this one's answer).
   */
  async setStatus(manager: EntityManager, caseId: string, status: CaseStatus): Promise<void> {
    await sendWithNextStatement(
      manager,
      `UPDATE "matching"."cases" SET "status" = $2, "updated_at" = now(),
         "accepted_at" = CASE WHEN $2 = 'accepted' THEN now() ELSE "accepted_at" END,
         "contacted_at" = CASE WHEN $2 = 'contacted' THEN now() ELSE "contacted_at" END,
         "closed_at" = CASE WHEN $2 IN ('closed', 'declined-by-clinician') THEN now() ELSE "closed_at" END
       WHERE "id" = $1`,
      [caseId, status],
    );
  }

  async recordOutcome(manager: EntityManager, caseId: string, outcome: CaseOutcomeV1, followUpsDone: number): Promise<void> {
    await manager.query(`UPDATE "matching"."cases" SET "outcome" = $2, "follow_ups_done" = $3 WHERE "id" = $1`, [
      caseId, JSON.stringify(outcome), followUpsDone,
    ]);
  }

  async recordEscalation(manager: EntityManager, caseId: string, reason: EscalationReason, fallbackResource: string): Promise<void> {
    await manager.query(`UPDATE "matching"."cases" SET "escalation_reason" = $2, "fallback_resource" = $3 WHERE "id" = $1`, [
      caseId, reason, fallbackResource,
    ]);
  }

  /** Which rules excluded how many of the program's supporters when nobody was eligible, for staff to see. */
  async recordCensus(
    manager: EntityManager,
    caseId: string,
    census: { at: string; supporters?: { supporterId: string; reasons: string[] }[] } & Pick<MatchingDecision, 'considered' | 'excluded'>,
  ): Promise<void> {
    await manager.query(`UPDATE "matching"."cases" SET "census" = $2 WHERE "id" = $1`, [caseId, JSON.stringify(census)]);
  }

  /**
   * The directory clinicians the event named besides `clinicianId` (never matched as supporters of the event's cases),
   * whatever became of their requests.
   */
  async otherCliniciansOfEvent(manager: EntityManager, eventKey: string, clinicianId: string | null): Promise<string[]> {
    const rows: { clinician_id: string }[] = await manager.query(
      eventCliniciansSql('$1', '$2::uuid'),
      [eventKey, clinicianId],
    );
    return rows.map((row) => row.clinician_id);
  }

  /** Whether this request id already opened a case or was already absorbed (a redelivery). */
  async requestAlreadyHandled(manager: EntityManager, requestId: string): Promise<boolean> {
    const [row] = await manager.query(`SELECT ${requestHandledSql('$1')} AS "handled"`, [requestId]);
    return row.handled;
  }

  /**
   * The clinician's most recently opened case that is still open: by directory id when the directory knows the
   * clinician, else an unresolved case opened for the same identifier. Most recent, because with a self-referral
   * beside an earlier case that is the one the clinician is engaged in now.
   */
  async findOpen(manager: EntityManager, clinicianId: string | null, identifier: IdentifierV1): Promise<OpenCaseStatus | undefined> {
    const params: unknown[] = [];
    const [row] = await manager.query(openCaseSql(clinicianId, identifier, params), params);
    return row;
  }

  /**
   * requestAlreadyHandled, findOpen and the event's other clinicians (otherCliniciansOfEvent) in one round trip: what
   * opening a case asks first, under the clinician's and the event's locks. The same statement notes the clinician as
   * named by the event (`newlyInvolved`: not noted before), whatever becomes of the request.
   */
  async priorHandling(
    manager: EntityManager, requestId: string, clinicianId: string | null, identifier: IdentifierV1, eventKey: string,
  ): Promise<{ handled: boolean; openCase?: OpenCaseStatus; eventClinicianIds: string[]; newlyInvolved: boolean }> {
    const params: unknown[] = [requestId, eventKey, clinicianId];
    const [row] = await manager.query(
      `WITH "noted" AS (
         INSERT INTO "matching"."event_clinicians" ("event_key", "clinician_id") SELECT $2, $3::uuid WHERE $3::uuid IS NOT NULL
         ON CONFLICT DO NOTHING RETURNING 1
       )
       SELECT ${requestHandledSql('$1')} AS "handled", o."id", o."status", EXISTS (SELECT 1 FROM "noted") AS "newly_involved",
         ARRAY(${eventCliniciansSql('$2', '$3::uuid')}) AS "event_clinician_ids"
       FROM (SELECT 1) AS "one" LEFT JOIN LATERAL (${openCaseSql(clinicianId, identifier, params)}) o ON true`,
      params,
    );
    return {
      handled: row.handled, openCase: row.id ? { id: row.id, status: row.status } : undefined, eventClinicianIds: row.event_clinician_ids, newlyInvolved: row.newly_involved,
    };
  }

  /** Forgetting on time: which clinicians events named, noted before the cutoff. */
  async purgeEventCliniciansBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH due AS (
         SELECT "event_key", "clinician_id" FROM "matching"."event_clinicians" WHERE "noted_at" < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
       ), purged AS (
         DELETE FROM "matching"."event_clinicians" e USING due
          WHERE e."event_key" = due."event_key" AND e."clinician_id" = due."clinician_id" RETURNING 1
       ) SELECT * FROM purged`,
      [cutoff, limit],
    );
    return rows.length;
  }

  /**
   * Records a request the open case absorbed: the trigger's coarse attributes only (no free text, and no
   * identifier: the case holds the clinician's). Returns false when this request id was recorded before.
   */
  async recordAbsorbed(manager: EntityManager, caseId: string, request: SupportRequestedV1): Promise<boolean> {
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

  /** What program staff see of the triggers a case absorbed, oldest first. */
  async absorbedTriggersOf(manager: EntityManager, caseId: string): Promise<{ count: number; triggers: AbsorbedTriggerView[] }> {
    const triggers: AbsorbedTriggerView[] = await manager.query(
      `SELECT "trigger_kind" AS "kind", "category", "harm_level" AS "harmLevel", "event_occurred_at" AS "occurredAt", "absorbed_at" AS "absorbedAt"
       FROM "matching"."absorbed_requests" WHERE "case_id" = $1 ORDER BY "absorbed_at", "request_id"`,
      [caseId],
    );
    return { count: triggers.length, triggers };
  }

  /**
   * Forgets what identifies the people of cases closed before `cutoff` (at most `limit` of them): the clinician's
   * identifier, the directory link, the event key, the department, and the absorbed triggers' details. Returns
   * the ids of the cases purged; a case another transaction holds is left for the next run.
   */
  async purgeClosedBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<string[]> {
    const purged: { id: string }[] = await manager.query(
      `WITH due AS (
         SELECT "id" FROM "matching"."cases" WHERE "purged_at" IS NULL AND "closed_at" < $1 ORDER BY "closed_at" LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       , purged AS (
         UPDATE "matching"."cases" c SET "identifier_system" = NULL, "identifier_value" = NULL, "clinician_id" = NULL, "event_key" = NULL,
           "department" = NULL, "purged_at" = now()
         FROM due WHERE c."id" = due."id" RETURNING c."id"
       )
       SELECT "id" FROM purged`,
      [cutoff, limit],
    );
    const ids = purged.map((row) => row.id);
    if (ids.length > 0) await manager.query(`DELETE FROM "matching"."absorbed_requests" WHERE "case_id" = ANY($1::uuid[])`, [ids]);
    return ids;
  }

  /**
   * Resolves `identifier` through the directory and, in the same statement, serializes every request for that
   * clinician until the caller's transaction ends (transaction-scoped advisory lock on their `resolvedPrefix` key, or
   * on `unresolved`, the identifier as received, when the directory does not know it), so two requests consumed at
   * once (different identifiers on different partitions, or two replicas) cannot both find no open case and both open
   * one. Returns the clinician. The read's snapshot precedes the lock; what must follow the lock (the case's prior
   * handling) is a statement of its own.
   *
   * The same statement takes the event's lock (`eventKey`), which serializes the requests of one event: each then
   * sees the clinicians the event named before it (none of them is matched as a supporter of the others) and counts
   * its unit's group-debrief tally exactly.
   *
   * Deadlock-free by "no hold and wait": the consumer applies a batch of records in one transaction, in
   * partition order, so a transaction could otherwise hold clinician A and wait for B while another holds B
   * and waits for A. Only the first statement's locks of a transaction wait (the transaction holds no other
   * lock then but the first of the two, which every transaction takes first); later ones are only tried.
   */
  async resolveAndLockClinician(
    manager: EntityManager,
    identifier: IdentifierV1,
    keys: { resolvedPrefix: string; unresolved: string },
    eventKey: string,
  ): Promise<ResolvedClinician | undefined> {
    const params: unknown[] = [];
    const resolved = resolveIdentifierSql(identifier, params);
    const clinicianKey = `COALESCE($${params.push(keys.resolvedPrefix)}::text || "resolved"."clinician_id"::text, $${params.push(keys.unresolved)}::text)`;
    const eventLockKey = `$${params.push(EVENT_LOCK_PREFIX + eventKey)}::text`;
    const calls = advisoryLockCalls(manager, [clinicianKey, eventLockKey]);
    const [row] = await manager.query(
      `WITH "resolved" AS (${resolved})
       SELECT "resolved".*, ${calls.sql[0]} AS "locked", ${calls.sql[1]} AS "event_locked" FROM (SELECT 1) AS "one" LEFT JOIN "resolved" ON true`,
      params,
    );
    noteAdvisoryLocks(manager, calls, [row.locked, row.event_locked]);
    return toResolvedClinician(row);
  }
}
