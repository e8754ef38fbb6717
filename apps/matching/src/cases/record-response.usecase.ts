import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentPagedV1, AssignmentRespondedV1, AssignmentUndeliverableV1, ContactReleased, sealReleasedContact } from '@harbor/contracts';
import { KeyRing } from '@harbor/crypto';
import { OutboxWriter } from '@harbor/messaging';
import { ContactKeys } from '../matching.settings';
import { cancelDeadlines, CaseRow, changeCaseStatus, loadCaseForUpdate, releaseCapacity, scheduleDeadline, SEARCHING } from './case-records';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

interface OpenAssignment {
  id: string;
  attempt: number;
  supporter_id: string;
}

/**
 * A supporter was paged, answered, or could not be reached. Paged starts the acknowledgement clock. Accept ends the search and releases the clinician's
 * contact details to that supporter only; decline and undeliverable free the capacity and ask the next one.
 * A late answer to an offer that was already settled (expired, closed) changes nothing.
 */
@Injectable()
export class RecordResponse {
  private readonly contactKeys: KeyRing;

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
    keys: ContactKeys,
  ) {
    this.contactKeys = keys.ring;
  }

  async execute(manager: EntityManager, response: AssignmentRespondedV1): Promise<void> {
    const found = await this.openAssignment(manager, response);
    if (!found) return;
    const { kase, assignment } = found;
    await manager.query(`UPDATE "matching"."assignments" SET "status" = $2, "responded_at" = $3 WHERE "id" = $1`, [
      assignment.id, response.response, response.respondedAt,
    ]);
    await cancelDeadlines(manager, kase.id, ['ack']);
    if (response.response === 'accepted') {
      await cancelDeadlines(manager, kase.id, ['overall']);
      await changeCaseStatus(manager, this.outbox, kase, 'accepted', { attempt: assignment.attempt, supporterId: assignment.supporter_id });
      await this.releaseContact(manager, kase, assignment);
      return;
    }
    await releaseCapacity(manager, assignment.supporter_id);
    await this.offerNextSupporter.execute(manager, kase);
  }

  /**
   * The page reached a provider: the acknowledgement clock starts now (`pagedAt`, never later than this
   * moment nor earlier than the offer). Until then no ack deadline runs, so an offer waiting out a provider
   * outage is not expired and re-offered; the case's overall deadline still runs and escalates to a person.
   * The delivery is recorded on the offer even when the supporter already answered (the report and the
   * answer travel on different topics). Only the first report counts (a page is delivered once).
   */
  async paged(manager: EntityManager, paged: AssignmentPagedV1): Promise<void> {
    const kase = await loadCaseForUpdate(manager, paged.caseId);
    if (!kase) return;
    const [assignment]: { status: string; supporter_id: string; paged_at: Date | null }[] = await manager.query(
      `SELECT "status", "supporter_id", "paged_at" FROM "matching"."assignments" WHERE "id" = $1 AND "case_id" = $2 FOR UPDATE`,
      [paged.assignmentId, paged.caseId],
    );
    if (!assignment || assignment.supporter_id !== paged.supporterId || assignment.paged_at) return;
    const startClock = assignment.status === 'offered' && SEARCHING.includes(kase.status);
    const [started]: { respond_by: Date }[] = await manager.query(
      `WITH "paged" AS (
         UPDATE "matching"."assignments" SET "paged_at" = GREATEST(LEAST($2::timestamptz, now()), "offered_at"), "paged_via" = $3,
           "respond_by" = CASE WHEN $4 THEN GREATEST(LEAST($2::timestamptz, now()), "offered_at") + make_interval(secs => "ack_seconds") ELSE "respond_by" END
         WHERE "id" = $1 RETURNING "respond_by"
       ) SELECT * FROM "paged"`,
      [paged.assignmentId, paged.pagedAt, paged.channel, startClock],
    );
    if (startClock) await scheduleDeadline(manager, { kind: 'ack', caseId: kase.id, assignmentId: paged.assignmentId, dueAt: started.respond_by });
  }

  async undeliverable(manager: EntityManager, failure: AssignmentUndeliverableV1): Promise<void> {
    const found = await this.openAssignment(manager, failure);
    if (!found) return;
    await manager.query(`UPDATE "matching"."assignments" SET "status" = 'undeliverable', "responded_at" = $2 WHERE "id" = $1`, [
      found.assignment.id, failure.failedAt,
    ]);
    await cancelDeadlines(manager, found.kase.id, ['ack']);
    await releaseCapacity(manager, found.assignment.supporter_id);
    await this.offerNextSupporter.execute(manager, found.kase);
  }

  private async openAssignment(
    manager: EntityManager,
    message: { caseId: string; assignmentId: string; supporterId: string },
  ): Promise<{ kase: CaseRow; assignment: OpenAssignment } | undefined> {
    const kase = await loadCaseForUpdate(manager, message.caseId);
    if (!kase || !SEARCHING.includes(kase.status)) return undefined;
    const [assignment] = await manager.query(
      `SELECT "id", "status", "attempt", "supporter_id" FROM "matching"."assignments" WHERE "id" = $1 AND "case_id" = $2 FOR UPDATE`,
      [message.assignmentId, message.caseId],
    );
    if (!assignment || assignment.status !== 'offered' || assignment.supporter_id !== message.supporterId) return undefined;
    return { kase, assignment };
  }

  /**
   * Minimum necessary: name and how to reach the clinician, to the supporter who accepted, and nothing else.
   * Sealed here for notification, so the outbox, Kafka and notification's tables never hold it in clear.
   */
  private async releaseContact(manager: EntityManager, kase: CaseRow, assignment: OpenAssignment): Promise<void> {
    const [clinician] = await manager.query(`SELECT "display_name", "phone", "email" FROM "matching"."clinicians" WHERE "id" = $1`, [kase.clinician_id]);
    if (!clinician) return;
    const contact = { displayName: clinician.display_name, phone: clinician.phone ?? undefined, email: clinician.email ?? undefined };
    await this.outbox.enqueue(manager, ContactReleased, {
      assignmentId: assignment.id,
      caseId: kase.id,
      supporterId: assignment.supporter_id,
      sealedContact: sealReleasedContact(this.contactKeys, assignment.id, contact),
    });
  }
}
