import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ReferralType } from '@harbor/contracts';
import { EncounterProgress, NOTHING_RECORDED } from './encounter-progress';

/** What the encounter page needs of an offer (read from "notification"."offers", written by the offer use cases). */
export interface EncounterOffer {
  assignmentId: string;
  caseId: string;
  supporterId: string;
  programId: string;
  status: string;
  viewerHash: string | null;
}

interface OfferRow {
  assignment_id: string;
  case_id: string;
  supporter_id: string;
  program_id: string;
  status: string;
  viewer_hash: string | null;
}

const OFFER_COLUMNS = `"assignment_id", "case_id", "supporter_id", "program_id", "status", "viewer_hash"`;

/**
 * Owns "notification"."encounter_records" (what the encounter page submitted, for showing progress) and reads
 * the offer an encounter link names.
 */
@Injectable()
export class EncounterRecords {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async offer(assignmentId: string, manager: EntityManager = this.dataSource.manager, forUpdate = false): Promise<EncounterOffer | undefined> {
    const [row]: OfferRow[] = await manager.query(
      `SELECT ${OFFER_COLUMNS} FROM "notification"."offers" WHERE "assignment_id" = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [assignmentId],
    );
    return row && toOffer(row);
  }

  /** The offer a follow-up reminder is about: the case's offer this supporter accepted, if it is still open for recording. */
  async acceptedOffer(manager: EntityManager, caseId: string, supporterId: string): Promise<EncounterOffer | undefined> {
    const [row]: OfferRow[] = await manager.query(
      `SELECT ${OFFER_COLUMNS} FROM "notification"."offers" WHERE "case_id" = $1 AND "supporter_id" = $2 AND "status" = 'accepted'
       ORDER BY "created_at" DESC LIMIT 1`,
      [caseId, supporterId],
    );
    return row && toOffer(row);
  }

  async progress(assignmentId: string, manager: EntityManager = this.dataSource.manager): Promise<EncounterProgress> {
    const [row] = await manager.query(
      `SELECT "contact_made", "support_declined", "referrals", "time_off_suggested", "follow_ups_done", "closed"
       FROM "notification"."encounter_records" WHERE "assignment_id" = $1`,
      [assignmentId],
    );
    if (!row) return NOTHING_RECORDED;
    return {
      contactMade: row.contact_made, supportDeclined: row.support_declined, referrals: row.referrals as ReferralType[],
      timeOffSuggested: row.time_off_suggested, followUpsDone: row.follow_ups_done, closed: row.closed,
    };
  }

  async save(manager: EntityManager, assignmentId: string, progress: EncounterProgress): Promise<void> {
    await manager.query(
      `INSERT INTO "notification"."encounter_records"
         ("assignment_id", "contact_made", "support_declined", "referrals", "time_off_suggested", "follow_ups_done", "closed")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("assignment_id") DO UPDATE SET "contact_made" = $2, "support_declined" = $3, "referrals" = $4,
         "time_off_suggested" = $5, "follow_ups_done" = $6, "closed" = $7, "updated_at" = now()`,
      [assignmentId, progress.contactMade, progress.supportDeclined, progress.referrals, progress.timeOffSuggested, progress.followUpsDone, progress.closed],
    );
  }
}

function toOffer(row: OfferRow): EncounterOffer {
  return {
    assignmentId: row.assignment_id, caseId: row.case_id, supporterId: row.supporter_id, programId: row.program_id, status: row.status, viewerHash: row.viewer_hash,
  };
}
