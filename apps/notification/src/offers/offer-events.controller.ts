import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  AssignmentClosed, AssignmentClosedV1, AssignmentOffered, AssignmentOfferedV1, ContactReleased, ContactReleasedV1, ContactReleasedV2, LegacyContactReleasedV1,
} from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { finishDispatch } from '../dispatch/finish-dispatch';
import { PageSupporter } from './page-supporter.usecase';
import { ReleasedContacts } from './released-contacts';

/** What matching says about an offer: page the supporter, keep the released contact, close it. */
@Controller()
export class OfferEventsController {
  constructor(
    private readonly pageSupporter: PageSupporter,
    private readonly contacts: ReleasedContacts,
    private readonly dispatches: DispatchQueue,
  ) {}

  @ConsumesEvent(AssignmentOffered)
  async offered(@Payload() event: InboundEvent<AssignmentOfferedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.pageSupporter.execute(context.manager, event.payload);
  }

  /** Keeps the sealed contact for the accepted link page (see ReleasedContacts). */
  @ConsumesEvent(ContactReleased)
  async contactReleased(@Payload() event: InboundEvent<ContactReleasedV2>, @Ctx() context: EventContext): Promise<void> {
    await this.contacts.store(context.manager, event.payload.assignmentId, event.payload.sealedContact);
  }

  /** Records matching published in clear before the upgrade: sealed on arrival, so they are never stored in clear. */
  @ConsumesEvent(LegacyContactReleasedV1)
  async legacyContactReleased(@Payload() event: InboundEvent<ContactReleasedV1>, @Ctx() context: EventContext): Promise<void> {
    const { assignmentId, clinician } = event.payload;
    await this.contacts.store(context.manager, assignmentId, this.contacts.seal(assignmentId, clinician));
  }

  /**
   * Matching closed an assignment (deadline passed, case closed, escalated): answers to it are no longer
   * accepted (an accepted offer's link then shows "closed"), a page not yet sent is cancelled, released contact
   * details are deleted, and a PagerDuty incident opened for it is resolved.
   */
  @ConsumesEvent(AssignmentClosed)
  async closed(@Payload() event: InboundEvent<AssignmentClosedV1>, @Ctx() context: EventContext): Promise<void> {
    const { assignmentId } = event.payload;
    const manager = context.manager;
    await manager.query(`UPDATE "notification"."offers" SET "status" = 'closed' WHERE "assignment_id" = $1 AND "status" IN ('open', 'accepted')`, [assignmentId]);
    await finishDispatch(manager, { pendingOfferPageFor: assignmentId }, 'cancelled');
    await manager.query(`DELETE FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [assignmentId]);
    await this.dispatches.followUpPagerDuty(manager, assignmentId, 'resolve');
  }
}
