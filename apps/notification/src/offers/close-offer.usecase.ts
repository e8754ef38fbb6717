import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { finishDispatch } from '../dispatch/finish-dispatch';
import { ReleasedContacts } from './released-contacts';

/**
 * Matching closed an assignment (deadline passed, case closed, escalated): answers to it are no longer
 * accepted (an accepted offer's link then shows "closed"), a page not yet sent is cancelled, released contact
 * details are deleted, and a PagerDuty incident opened for it is resolved.
 */
@Injectable()
export class CloseOffer {
  constructor(
    private readonly dispatches: DispatchQueue,
    private readonly contacts: ReleasedContacts,
  ) {}

  async execute(manager: EntityManager, assignmentId: string): Promise<void> {
    await manager.query(`UPDATE "notification"."offers" SET "status" = 'closed' WHERE "assignment_id" = $1 AND "status" IN ('open', 'accepted')`, [assignmentId]);
    await finishDispatch(manager, { pendingOfferPageFor: assignmentId }, 'cancelled');
    await this.contacts.forget(manager, assignmentId);
    await this.dispatches.followUpPagerDuty(manager, assignmentId, 'resolve');
  }
}
