import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentCloseReason } from '@harbor/contracts';
import { InsertAtCommit } from '@harbor/persistence';
import { DecisionRecord } from '../policy/matching-decision';

/** An offer of a case to a supporter, as the use cases read it under lock. */
export interface LockedAssignment {
  id: string;
  status: string;
  attempt: number;
  supporterId: string;
  pagedAt: Date | null;
  offeredAt: Date;
}

/** An offer about to be made: the decision that chose the supporter is kept with it. */
export interface NewOffer {
  id: string;
  caseId: string;
  supporterId: string;
  attempt: number;
  record: DecisionRecord;
  /** The earliest the offer can expire; the acknowledgement clock itself starts when the page is delivered. */
  respondBy: Date;
  ackSeconds: number;
}

/** A delivery report of an offer's page (AssignmentPaged), and whether the case is still looking for a supporter. */
export interface FirstPage {
  assignmentId: string;
  caseId: string;
  supporterId: string;
  pagedAt: string;
  channel: string;
  caseSearching: boolean;
}

/**
 * The one owner of `"matching"."assignments"`: offers of a case to supporters and what became of each. Every
 * method takes the caller's EntityManager, so it runs in the transaction that holds the case's lock.
 * CaseViews (case-views.ts) reads the table for staff's read-only routes; nothing else names it.
 *
 * A new offer's row is written as its transaction commits, with every other offer the transaction made (a consumer
 * chunk's cases: one INSERT); every other method here first writes the rows still pending, so it sees them.
 */
@Injectable()
export class AssignmentStore {
  private readonly newOffers = new InsertAtCommit('"matching"."assignments"', [
    ['"id"', 'uuid'], ['"case_id"', 'uuid'], ['"supporter_id"', 'text'], ['"attempt"', 'int'], ['"status"', 'text'], ['"reasons"', 'jsonb'],
    ['"considered"', 'int'], ['"excluded"', 'jsonb'], ['"respond_by"', 'timestamptz'], ['"ack_seconds"', 'int'],
  ]);

  /** Every supporter the case was offered to so far, whatever became of the offer (one per attempt). */
  async supportersOffered(manager: EntityManager, caseId: string): Promise<string[]> {
    await this.newOffers.writeNow(manager);
    const rows: { supporter_id: string }[] = await manager.query(`SELECT "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1`, [caseId]);
    return rows.map((row) => row.supporter_id);
  }

  async insertOffer(manager: EntityManager, offer: NewOffer): Promise<void> {
    await this.newOffers.add(manager, [
      offer.id, offer.caseId, offer.supporterId, offer.attempt, 'offered', JSON.stringify(offer.record.reasons), offer.record.considered,
      JSON.stringify(offer.record.excluded), offer.respondBy, offer.ackSeconds,
    ]);
  }

  /** Locks the case's assignment for the transaction; undefined when the case has no such assignment. */
  async lock(manager: EntityManager, assignmentId: string, caseId: string): Promise<LockedAssignment | undefined> {
    await this.newOffers.writeNow(manager);
    const [row] = await manager.query(
      `SELECT "id", "status", "attempt", "supporter_id", "paged_at", "offered_at" FROM "matching"."assignments" WHERE "id" = $1 AND "case_id" = $2 FOR UPDATE`,
      [assignmentId, caseId],
    );
    return row && { id: row.id, status: row.status, attempt: Number(row.attempt), supporterId: row.supporter_id, pagedAt: row.paged_at, offeredAt: row.offered_at };
  }

  /** Locks the assignment if it is still an open offer; undefined otherwise. */
  async lockIfOffered(manager: EntityManager, assignmentId: string | null): Promise<{ id: string; supporterId: string; offeredAt: Date } | undefined> {
    await this.newOffers.writeNow(manager);
    const [row] = await manager.query(
      `SELECT "id", "supporter_id", "offered_at" FROM "matching"."assignments" WHERE "id" = $1 AND "status" = 'offered' FOR UPDATE`,
      [assignmentId],
    );
    return row && { id: row.id, supporterId: row.supporter_id, offeredAt: row.offered_at };
  }

  /** Locks the case's open offers (normally one). */
  async lockOffered(manager: EntityManager, caseId: string): Promise<{ id: string; supporterId: string; offeredAt: Date }[]> {
    await this.newOffers.writeNow(manager);
    const rows: { id: string; supporter_id: string; offered_at: Date }[] = await manager.query(
      `SELECT "id", "supporter_id", "offered_at" FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'offered' FOR UPDATE`,
      [caseId],
    );
    return rows.map((row) => ({ id: row.id, supporterId: row.supporter_id, offeredAt: row.offered_at }));
  }

  /**
   * The open offers of an event's cases to the supporter who is the directory's clinician `clinicianId` (reads the
   * cases' event and the supporters' directory link).
   */
  async offeredInEventTo(manager: EntityManager, eventKey: string, clinicianId: string): Promise<{ id: string; caseId: string }[]> {
    await this.newOffers.writeNow(manager);
    const rows: { id: string; case_id: string }[] = await manager.query(
      `SELECT a."id", a."case_id" FROM "matching"."assignments" a
         JOIN "matching"."cases" c ON c."id" = a."case_id" JOIN "matching"."supporters" s ON s."id" = a."supporter_id"
        WHERE c."event_key" = $1 AND s."clinician_id" = $2 AND a."status" = 'offered'
        ORDER BY a."offered_at", a."id"`,
      [eventKey, clinicianId],
    );
    return rows.map((row) => ({ id: row.id, caseId: row.case_id }));
  }

  /**
   * Records that the supporter of each offer of the event's cases they already accepted has just been named in that
   * event; returns the offers newly recorded, with their case's program (each once, however often the event is delivered).
   */
  async markAcceptedInEventBy(manager: EntityManager, eventKey: string, clinicianId: string): Promise<{ id: string; caseId: string; program: string }[]> {
    await this.newOffers.writeNow(manager);
    const rows: { id: string; case_id: string; program: string }[] = await manager.query(
      `WITH "named" AS (
         UPDATE "matching"."assignments" a SET "named_in_event_at" = now()
           FROM "matching"."cases" c, "matching"."supporters" s
          WHERE c."id" = a."case_id" AND s."id" = a."supporter_id" AND c."event_key" = $1 AND s."clinician_id" = $2
            AND a."status" = 'accepted' AND a."named_in_event_at" IS NULL
          RETURNING a."id", a."case_id", c."program"
       ) SELECT * FROM "named" ORDER BY "id"`,
      [eventKey, clinicianId],
    );
    return rows.map((row) => ({ id: row.id, caseId: row.case_id, program: row.program }));
  }

  /** Forgets, with the rest of a purged case's identifying data, that its supporter was named in its event. */
  async forgetSupporterNamedInEvent(manager: EntityManager, caseIds: string[]): Promise<void> {
    if (caseIds.length === 0) return;
    await this.newOffers.writeNow(manager);
    await manager.query(
      `UPDATE "matching"."assignments" SET "named_in_event_at" = NULL WHERE "case_id" = ANY($1::uuid[]) AND "named_in_event_at" IS NOT NULL`,
      [caseIds],
    );
  }

  /** The offer the case's supporter accepted, if any. */
  async accepted(manager: EntityManager, caseId: string): Promise<{ id: string; supporterId: string } | undefined> {
    await this.newOffers.writeNow(manager);
    const [row] = await manager.query(
      `SELECT "id", "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'accepted'`,
      [caseId],
    );
    return row && { id: row.id, supporterId: row.supporter_id };
  }

  /** Whether this supporter accepted the case. */
  async isAcceptedBy(manager: EntityManager, caseId: string, supporterId: string): Promise<boolean> {
    await this.newOffers.writeNow(manager);
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'accepted' AND "supporter_id" = $2`,
      [caseId, supporterId],
    );
    return rows.length > 0;
  }

  /**
   * Records the first delivery report of this supporter's offer in this case, in one statement (the row is locked by
   * the update itself): when, how, and, with `caseSearching` while the offer is still open, the acknowledgement clock
   * from then (`pagedAt`, never later than now nor earlier than the offer). Undefined, recording nothing, when the
   * assignment is not that supporter's in that case or a delivery was recorded already (a page is delivered once).
   */
  async recordFirstPage(manager: EntityManager, page: FirstPage): Promise<{ respondBy: Date; clockStarted: boolean } | undefined> {
    await this.newOffers.writeNow(manager);
    const [row]: { respond_by: Date; clock_started: boolean }[] = await manager.query(
      `WITH "paged" AS (
         UPDATE "matching"."assignments" SET "paged_at" = GREATEST(LEAST($4::timestamptz, now()), "offered_at"), "paged_via" = $5,
           "respond_by" = CASE WHEN "status" = 'offered' AND $6 THEN GREATEST(LEAST($4::timestamptz, now()), "offered_at") + make_interval(secs => "ack_seconds") ELSE "respond_by" END
         WHERE "id" = $1 AND "case_id" = $2 AND "supporter_id" = $3 AND "paged_at" IS NULL
         RETURNING "respond_by", "status" = 'offered' AND $6 AS "clock_started"
       ) SELECT * FROM "paged"`,
      [page.assignmentId, page.caseId, page.supporterId, page.pagedAt, page.channel, page.caseSearching],
    );
    return row && { respondBy: row.respond_by, clockStarted: row.clock_started };
  }

  /** The supporter's answer (accepted, declined) or the offer's undeliverability, at the time it happened. */
  async recordAnswer(manager: EntityManager, assignmentId: string, status: 'accepted' | 'declined' | 'undeliverable', at: string): Promise<void> {
    await this.newOffers.writeNow(manager);
    await manager.query(`UPDATE "matching"."assignments" SET "status" = $2, "responded_at" = $3 WHERE "id" = $1`, [assignmentId, status, at]);
  }

  async close(manager: EntityManager, assignmentId: string, status: 'closed' | 'expired' | 'completed', reason: AssignmentCloseReason): Promise<void> {
    await this.newOffers.writeNow(manager);
    await manager.query(`UPDATE "matching"."assignments" SET "status" = $2, "closed_reason" = $3 WHERE "id" = $1`, [assignmentId, status, reason]);
  }
}
