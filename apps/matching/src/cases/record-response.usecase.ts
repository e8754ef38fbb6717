import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentRespondedV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { changeCaseStatus, loadCaseForUpdate } from './case-records';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/** A supporter accepted or declined: accept closes the search; decline frees capacity and asks the next one. */
@Injectable()
export class RecordResponse {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
  ) {}

  async execute(manager: EntityManager, response: AssignmentRespondedV1): Promise<void> {
    const kase = await loadCaseForUpdate(manager, response.caseId);
    if (!kase) return;
    const [assignment] = await manager.query(
      `SELECT "id", "status", "attempt", "supporter_id" FROM "matching"."assignments" WHERE "id" = $1 AND "case_id" = $2 FOR UPDATE`,
      [response.assignmentId, response.caseId],
    );
    // A late answer to an offer that was already settled (or timed out) changes nothing.
    if (!assignment || assignment.status !== 'offered' || assignment.supporter_id !== response.supporterId) return;
    await manager.query(`UPDATE "matching"."assignments" SET "status" = $2, "responded_at" = $3 WHERE "id" = $1`, [
      assignment.id,
      response.response,
      response.respondedAt,
    ]);
    if (response.response === 'accepted') {
      await changeCaseStatus(manager, this.outbox, kase, 'accepted', { attempt: assignment.attempt, supporterId: assignment.supporter_id });
      return;
    }
    await manager.query(
      `UPDATE "matching"."supporters" SET "open_cases" = GREATEST("open_cases" - 1, 0) WHERE "id" = $1`,
      [assignment.supporter_id],
    );
    await this.offerNextSupporter.execute(manager, kase);
  }
}
