import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ContactReleased, ContactReleasedV1, ContactReleasedV2, LegacyContactReleasedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { ReleasedContacts } from './released-contacts';

/** Keeps the sealed contact for the accepted link page (see ReleasedContacts). */
@Injectable()
export class ContactReleasedHandler implements EventHandler<ContactReleasedV2> {
  readonly definition = ContactReleased;
  constructor(private readonly contacts: ReleasedContacts) {}

  async handle(event: InboundEvent<ContactReleasedV2>, manager: EntityManager): Promise<void> {
    await this.contacts.store(manager, event.payload.assignmentId, event.payload.sealedContact);
  }
}

/** Records matching published in clear before the upgrade: sealed on arrival, so they are never stored in clear. */
@Injectable()
export class LegacyContactReleasedHandler implements EventHandler<ContactReleasedV1> {
  readonly definition = LegacyContactReleasedV1;
  constructor(private readonly contacts: ReleasedContacts) {}

  async handle(event: InboundEvent<ContactReleasedV1>, manager: EntityManager): Promise<void> {
    const { assignmentId, clinician } = event.payload;
    await this.contacts.store(manager, assignmentId, this.contacts.seal(assignmentId, clinician));
  }
}
