import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StaffPageRequested, StaffPageRequestedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { STAFF_PAGE_TEXT } from '../offers/page-content';

/** Follow-up reminders and coordinator escalations go through the same dispatcher, channels and fallbacks as offers. */
@Injectable()
export class StaffPageRequestedHandler implements EventHandler<StaffPageRequestedV1> {
  readonly definition = StaffPageRequested;
  constructor(private readonly dispatches: DispatchQueue) {}

  async handle(event: InboundEvent<StaffPageRequestedV1>, manager: EntityManager): Promise<void> {
    const page = event.payload;
    await this.dispatches.enqueue(manager, {
      kind: 'staff-page', refId: page.pageId, caseId: page.caseId, recipientId: page.recipientId, channels: page.channels, text: STAFF_PAGE_TEXT[page.kind],
    });
  }
}
