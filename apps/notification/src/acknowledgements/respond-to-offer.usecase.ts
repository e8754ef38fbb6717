import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AssignmentResponded, OfferResponse, ResponseVia } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { DispatchQueue } from '../dispatch/dispatch-queue';

export type RespondOutcome = { ok: true; response: OfferResponse } | { ok: false; reason: 'unknown-offer' | 'already-answered' | 'closed' };

/** Records a supporter's answer once and tells matching; a second answer to the same offer is refused. */
@Injectable()
export class RespondToOffer {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly dispatches: DispatchQueue,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute(assignmentId: string, response: OfferResponse, via: ResponseVia): Promise<RespondOutcome> {
    return this.dataSource.transaction((manager) => this.executeIn(manager, assignmentId, response, via));
  }

  /** The same, inside the caller's transaction (an SMS reply records its message id with the answer). */
  async executeIn(manager: EntityManager, assignmentId: string, response: OfferResponse, via: ResponseVia): Promise<RespondOutcome> {
    const [offer] = await manager.query(
      `SELECT "assignment_id", "case_id", "supporter_id", "status", "respond_by" FROM "notification"."offers"
       WHERE "assignment_id" = $1 FOR UPDATE`,
      [assignmentId],
    );
    if (!offer) return { ok: false, reason: 'unknown-offer' };
    if (offer.status === 'accepted' || offer.status === 'declined') return { ok: false, reason: 'already-answered' };
    if (offer.status !== 'open') return { ok: false, reason: 'closed' };
    const respondedAt = new Date();
    await manager.query(
      `UPDATE "notification"."offers" SET "status" = $2, "responded_at" = $3, "responded_via" = $4 WHERE "assignment_id" = $1`,
      [assignmentId, response, respondedAt, via],
    );
    await this.outbox.enqueue(manager, AssignmentResponded, {
      assignmentId,
      caseId: offer.case_id,
      supporterId: offer.supporter_id,
      response,
      via,
      respondedAt: respondedAt.toISOString(),
    });
    await this.dispatches.followUpPagerDuty(manager, assignmentId, response === 'accepted' ? 'acknowledge' : 'resolve');
    return { ok: true, response };
  }
}
