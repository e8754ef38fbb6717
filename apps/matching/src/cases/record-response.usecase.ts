import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentRespondedV1, AssignmentUndeliverableV1, ContactReleased, sealReleasedContact } from '@harbor/contracts';
import { KeyRing, parseKeyRing } from '@harbor/crypto';
import { OutboxWriter } from '@harbor/messaging';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { MatchingEnv } from '../matching.env';
import { cancelDeadlines, CaseRow, changeCaseStatus, loadCaseForUpdate, releaseCapacity, SEARCHING } from './case-records';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

interface OpenAssignment {
  id: string;
  attempt: number;
  supporter_id: string;
}

/**
 * A supporter answered, or could not be reached. Accept ends the search and releases the clinician's
 * contact details to that supporter only; decline and undeliverable free the capacity and ask the next one.
 * A late answer to an offer that was already settled (expired, closed) changes nothing.
 */
@Injectable()
export class RecordResponse {
  private readonly contactKeys: KeyRing;

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
    @Inject(SERVICE_ENV) env: MatchingEnv,
  ) {
    this.contactKeys = parseKeyRing(env.CONTACT_ENCRYPTION_KEYS);
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
