import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  AssignmentClosed, AssignmentClosedV1, AssignmentOffered, AssignmentOfferedV1, ContactReleased, ContactReleasedV1, ContactReleasedV2, LegacyContactReleasedV1,
} from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { CloseOffer } from './close-offer.usecase';
import { PageSupporter } from './page-supporter.usecase';
import { ReleasedContacts } from './released-contacts';

/** What matching says about an offer: page the supporter, keep the released contact, close it. */
@Controller()
export class OfferEventsController {
  constructor(
    private readonly pageSupporter: PageSupporter,
    private readonly contacts: ReleasedContacts,
    private readonly closeOffer: CloseOffer,
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

  /** Matching closed the assignment: see CloseOffer. */
  @ConsumesEvent(AssignmentClosed)
  async closed(@Payload() event: InboundEvent<AssignmentClosedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.closeOffer.execute(context.manager, event.payload.assignmentId);
  }
}
