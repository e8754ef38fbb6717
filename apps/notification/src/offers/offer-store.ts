import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OfferResponse, ResponseVia } from '@harbor/contracts';
import { SmsAddressHashes } from '../dispatch/address-hash';

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'closed' | 'undeliverable';

/** What recording an offer did (OfferStore.create). */
export type OfferCreation = 'created' | 'exists' | 'code-taken';

/** An offer as matching made it, recorded before its page is queued. */
export interface NewOffer {
  assignmentId: string;
  caseId: string;
  supporterId: string;
  attempt: number;
  replyCode: string;
  respondBy: string;
  /** The keyed digest of the supporter's SMS number, so an inbound SMS finds the offer; null without an SMS channel. */
  smsAddressHash: string | null;
  /** Whose encounter content the supporter sees ('default' when matching named no program). */
  programId: string;
}

/** What the encounter page needs of an offer. */
export interface EncounterOffer {
  assignmentId: string;
  caseId: string;
  supporterId: string;
  programId: string;
  status: string;
  viewerHash: string | null;
}

interface EncounterOfferRow {
  assignment_id: string;
  case_id: string;
  supporter_id: string;
  program_id: string;
  status: string;
  viewer_hash: string | null;
}

const ENCOUNTER_OFFER_COLUMNS = `"assignment_id", "case_id", "supporter_id", "program_id", "status", "viewer_hash"`;

function toEncounterOffer(row: EncounterOfferRow): EncounterOffer {
  return {
    assignmentId: row.assignment_id, caseId: row.case_id, supporterId: row.supporter_id, programId: row.program_id, status: row.status, viewerHash: row.viewer_hash,
  };
}

/** An offer locked for answering. */
export interface OfferToAnswer {
  assignmentId: string;
  caseId: string;
  supporterId: string;
  status: OfferStatus;
  respondBy: Date;
}

export interface OfferAnswer {
  response: OfferResponse;
  respondedAt: Date;
  via: ResponseVia;
  /** The browser that accepted (a hash of its cookie); null when declined or accepted by SMS. */
  viewerHash: string | null;
  /** Lets one browser claim an offer accepted by SMS; null otherwise. */
  claimNonce: string | null;
}

/** What the link page needs of an offer to decide who may see its released contact. */
export interface OfferViewer {
  status: OfferStatus;
  /** The browser bound to the accepted offer (a hash of its cookie), or null while none is. */
  viewerHash: string | null;
  /** Lets one browser claim an accepted offer (empty: the page link; set: a claim link sent after an SMS). */
  claimNonce: string | null;
}

/** An open offer an inbound SMS from its supporter's number may answer. */
export interface OfferOpenToSms {
  assignmentId: string;
  replyCode: string;
}

/**
 * The one owner of `"notification"."offers"`: an offer per assignment, its reply code, its answer and the browser
 * bound to it. Methods that take a manager run in the caller's transaction. No other file names this table; what
 * other features need of an offer (the dispatcher: whether it is still open; released contacts: whether it was
 * accepted; an SMS reply: the supporter's open offers) they ask here, and the dispatches are DispatchStore's.
 */
/**
 * The status of the offer whose assignment id is `assignmentIdSql` (an SQL expression), as a scalar subquery: for the
 * dispatcher's claim, which learns with each claimed offer page whether its offer is still open (no read per page).
 * Kept here because this store owns the table.
 */
export function offerStatusSubquery(assignmentIdSql: string): string {
  return `(SELECT o."status" FROM "notification"."offers" o WHERE o."assignment_id" = ${assignmentIdSql})`;
}

@Injectable()
export class OfferStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The offer an encounter link names, optionally locked for the caller's transaction. */
  async encounterOffer(manager: EntityManager, assignmentId: string, forUpdate = false): Promise<EncounterOffer | undefined> {
    const [row]: EncounterOfferRow[] = await manager.query(
      `SELECT ${ENCOUNTER_OFFER_COLUMNS} FROM "notification"."offers" WHERE "assignment_id" = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [assignmentId],
    );
    return row && toEncounterOffer(row);
  }

  /** The case's offer this supporter accepted (newest first), while it is accepted. */
  async acceptedOfferFor(manager: EntityManager, caseId: string, supporterId: string): Promise<EncounterOffer | undefined> {
    const [row]: EncounterOfferRow[] = await manager.query(
      `SELECT ${ENCOUNTER_OFFER_COLUMNS} FROM "notification"."offers" WHERE "case_id" = $1 AND "supporter_id" = $2 AND "status" = 'accepted'
       ORDER BY "created_at" DESC LIMIT 1`,
      [caseId, supporterId],
    );
    return row && toEncounterOffer(row);
  }

  /**
   * Records the offer once per assignment, with a reply code none of the supporter's open offers has, in one
   * statement: `created`; `exists` when it was already recorded (a redelivered event); `code-taken` when one of the
   * supporter's open offers has the code (nothing recorded: draw another).
   */
  async create(manager: EntityManager, offer: NewOffer): Promise<OfferCreation> {
    const [row]: { taken: boolean; created: boolean }[] = await manager.query(
      `WITH "taken" AS (
         SELECT EXISTS (SELECT 1 FROM "notification"."offers" WHERE "supporter_id" = $3 AND "status" = 'open' AND "reply_code" = $5) AS "taken"
       ), "created" AS (
         INSERT INTO "notification"."offers" ("assignment_id", "case_id", "supporter_id", "attempt", "reply_code", "respond_by", "sms_address_hash", "program_id")
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM "taken" WHERE NOT "taken"."taken"
         ON CONFLICT ("assignment_id") DO NOTHING RETURNING 1
       )
       SELECT (SELECT "taken" FROM "taken") AS "taken", EXISTS (SELECT 1 FROM "created") AS "created"`,
      [offer.assignmentId, offer.caseId, offer.supporterId, offer.attempt, offer.replyCode, offer.respondBy, offer.smsAddressHash, offer.programId],
    );
    if (row.created) return 'created';
    return row.taken ? 'code-taken' : 'exists';
  }

  /** Locks the offer until the transaction ends, so only one answer is recorded; undefined when there is none. */
  async lockForAnswer(manager: EntityManager, assignmentId: string): Promise<OfferToAnswer | undefined> {
    const [row] = await manager.query(
      `SELECT "assignment_id", "case_id", "supporter_id", "status", "respond_by" FROM "notification"."offers"
       WHERE "assignment_id" = $1 FOR UPDATE`,
      [assignmentId],
    );
    return row && { assignmentId: row.assignment_id, caseId: row.case_id, supporterId: row.supporter_id, status: row.status, respondBy: row.respond_by };
  }

  async recordAnswer(manager: EntityManager, assignmentId: string, answer: OfferAnswer): Promise<void> {
    await manager.query(
      `UPDATE "notification"."offers" SET "status" = $2, "responded_at" = $3, "responded_via" = $4, "viewer_hash" = $5, "claim_nonce" = $6
       WHERE "assignment_id" = $1`,
      [assignmentId, answer.response, answer.respondedAt, answer.via, answer.viewerHash, answer.claimNonce],
    );
  }

  /** Matching closed the assignment: an open or accepted offer takes no more answers. */
  async close(manager: EntityManager, assignmentId: string): Promise<void> {
    await manager.query(`UPDATE "notification"."offers" SET "status" = 'closed' WHERE "assignment_id" = $1 AND "status" IN ('open', 'accepted')`, [assignmentId]);
  }

  /** Every channel refused the page: an open offer becomes undeliverable. False when it was no longer open. */
  async markUndeliverable(manager: EntityManager, assignmentId: string): Promise<boolean> {
    const closed: unknown[] = await manager.query(
      // Through a CTE: TypeORM answers a bare UPDATE with [rows, count], whose length is always 2.
      `WITH "closed" AS (UPDATE "notification"."offers" SET "status" = 'undeliverable' WHERE "assignment_id" = $1 AND "status" = 'open' RETURNING 1)
       SELECT * FROM "closed"`,
      [assignmentId],
    );
    return closed.length > 0;
  }

  /** Whether the offer was accepted here (only then is its released contact kept). */
  async isAccepted(manager: EntityManager, assignmentId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "notification"."offers" WHERE "assignment_id" = $1 AND "status" = 'accepted'`,
      [assignmentId],
    );
    return rows.length > 0;
  }

  /**
   * The open offers paged to this number (by its digest, or its digest under the legacy key for offers made
   * before NOTIFY_SMS_HASH_KEY), oldest first.
   */
  async openForSms(manager: EntityManager, hashes: SmsAddressHashes): Promise<OfferOpenToSms[]> {
    const rows: { assignment_id: string; reply_code: string }[] = await manager.query(
      `SELECT "assignment_id", "reply_code" FROM "notification"."offers"
       WHERE ("sms_address_hash" = $1 OR ("sms_hash_legacy" AND "sms_address_hash" = $2)) AND "status" = 'open'
       ORDER BY "created_at"`,
      [hashes.current, hashes.legacy],
    );
    return rows.map((row) => ({ assignmentId: row.assignment_id, replyCode: row.reply_code }));
  }

  /** The offer's viewer binding, for the link page. */
  async viewerOf(assignmentId: string): Promise<OfferViewer | undefined> {
    const [offer]: { status: OfferStatus; viewer_hash: string | null; claim_nonce: string | null }[] = await this.dataSource.query(
      `SELECT "status", "viewer_hash", "claim_nonce" FROM "notification"."offers" WHERE "assignment_id" = $1`,
      [assignmentId],
    );
    return offer && { status: offer.status, viewerHash: offer.viewer_hash, claimNonce: offer.claim_nonce };
  }

  /** Binds the browser to an accepted offer no browser holds yet, if the nonce matches; false otherwise. Once. */
  async bindViewer(assignmentId: string, viewerHash: string, claimNonce: string): Promise<boolean> {
    const bound: unknown[] = await this.dataSource.query(
      // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE returns [rows, count]).
      `WITH bound AS (
         UPDATE "notification"."offers" SET "viewer_hash" = $2, "claim_nonce" = NULL
         WHERE "assignment_id" = $1 AND "status" = 'accepted' AND "viewer_hash" IS NULL AND "claim_nonce" = $3 RETURNING 1
       ) SELECT * FROM bound`,
      [assignmentId, viewerHash, claimNonce],
    );
    return bound.length > 0;
  }
}
