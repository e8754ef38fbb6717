import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StaffPageRequested, StaffPageRequestedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { NotificationEnv } from '../notification.env';
import { STAFF_PAGE_TEXT } from '../offers/page-content';

/**
 * Follow-up reminders and coordinator escalations go through the same dispatcher, channels and fallbacks as
 * offers. A staff page is retried until delivered or NOTIFY_STAFF_PAGE_DEADLINE_MINUTES after it arrived;
 * then (or when every channel refused) it is reported as StaffPageFailed, shown by GET /v1/staff-pages and
 * counted for an alert.
 */
@Injectable()
export class StaffPageRequestedHandler implements EventHandler<StaffPageRequestedV1> {
  readonly definition = StaffPageRequested;
  constructor(
    private readonly dispatches: DispatchQueue,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  async handle(event: InboundEvent<StaffPageRequestedV1>, manager: EntityManager): Promise<void> {
    const page = event.payload;
    await this.dispatches.enqueue(manager, {
      kind: 'staff-page', refId: page.pageId, caseId: page.caseId, recipientId: page.recipientId, channels: page.channels, text: STAFF_PAGE_TEXT[page.kind],
      pageKind: page.kind, deliverBy: new Date(Date.now() + this.env.NOTIFY_STAFF_PAGE_DEADLINE_MINUTES * 60_000),
    });
  }
}
