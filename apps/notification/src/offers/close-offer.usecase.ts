import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { DispatchStore } from '../dispatch/dispatch-store';
import { OfferStore } from './offer-store';
import { ReleasedContacts } from './released-contacts';

/**
 * Matching closed an assignment (deadline passed, case closed, escalated): answers to it are no longer
 * accepted (an accepted offer's link then shows "closed"), a page not yet sent is cancelled, released contact
 * details are deleted, and a PagerDuty incident opened for it is resolved.
 */
@Injectable()
export class CloseOffer {
  constructor(
    private readonly offers: OfferStore,
    private readonly dispatchStore: DispatchStore,
    private readonly dispatches: DispatchQueue,
    private readonly contacts: ReleasedContacts,
  ) {}

  async execute(manager: EntityManager, assignmentId: string): Promise<void> {
    await this.offers.close(manager, assignmentId);
    await this.dispatchStore.finish(manager, { pendingOfferPageFor: assignmentId }, 'cancelled');
    await this.contacts.forget(manager, assignmentId);
    await this.dispatches.followUpPagerDuty(manager, assignmentId, 'resolve');
  }
}
