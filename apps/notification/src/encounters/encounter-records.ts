import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ReferralType } from '@harbor/contracts';
import { EncounterOffer, OfferStore } from '../offers/offer-store';
import { EncounterProgress, NOTHING_RECORDED } from './encounter-progress';

export type { EncounterOffer } from '../offers/offer-store';

/**
 * Owns "notification"."encounter_records" (what the encounter page submitted, for showing progress); the offer an
 * encounter link names comes from OfferStore.
 */
@Injectable()
export class EncounterRecords {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly offers: OfferStore,
  ) {}

  /** The offer an encounter link names (OfferStore owns the offers). */
  async offer(assignmentId: string, manager: EntityManager = this.dataSource.manager, forUpdate = false): Promise<EncounterOffer | undefined> {
    return this.offers.encounterOffer(manager, assignmentId, forUpdate);
  }

  /** The offer a follow-up reminder is about: the case's offer this supporter accepted, if it is still open for recording. */
  async acceptedOffer(manager: EntityManager, caseId: string, supporterId: string): Promise<EncounterOffer | undefined> {
    return this.offers.acceptedOfferFor(manager, caseId, supporterId);
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
