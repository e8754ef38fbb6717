import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentClosed, AssignmentClosedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { finishDispatch } from '../dispatch/finish-dispatch';

/**
 * Matching closed an assignment (deadline passed, case closed, escalated): answers to it are no longer
 * accepted (an accepted offer's link then shows "closed"), a page not yet sent is cancelled, released contact details are deleted, and a PagerDuty
 * incident opened for it is resolved.
 */
@Injectable()
export class AssignmentClosedHandler implements EventHandler<AssignmentClosedV1> {
  readonly definition = AssignmentClosed;
  constructor(private readonly dispatches: DispatchQueue) {}

  async handle(event: InboundEvent<AssignmentClosedV1>, manager: EntityManager): Promise<void> {
    const { assignmentId } = event.payload;
    await manager.query(`UPDATE "notification"."offers" SET "status" = 'closed' WHERE "assignment_id" = $1 AND "status" IN ('open', 'accepted')`, [assignmentId]);
    await finishDispatch(manager, { pendingOfferPageFor: assignmentId }, 'cancelled');
    await manager.query(`DELETE FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [assignmentId]);
    await this.dispatches.followUpPagerDuty(manager, assignmentId, 'resolve');
  }
}
