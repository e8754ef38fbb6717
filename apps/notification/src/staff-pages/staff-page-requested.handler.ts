import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { StaffPageRequested, StaffPageRequestedV1 } from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { StaffPageSettings } from '../notification.settings';
import { EncounterLinks } from '../encounters/encounter-links';
import { EncounterRecords } from '../encounters/encounter-records';
import { followUpReminderText, groupDebriefOfferText, STAFF_PAGE_TEXT } from '../offers/page-content';

/**
 * Follow-up reminders and coordinator escalations go through the same dispatcher, channels and fallbacks as
 * offers. A staff page is retried until delivered or NOTIFY_STAFF_PAGE_DEADLINE_MINUTES after it arrived;
 * then (or when every channel refused) it is reported as StaffPageFailed, shown by GET /v1/staff-pages and
 * counted for an alert.
 */
@Controller()
export class StaffPageRequestedHandler {
  constructor(
    private readonly dispatches: DispatchQueue,
    private readonly settings: StaffPageSettings,
    private readonly encounters: EncounterLinks,
    private readonly encounterRecords: EncounterRecords,
  ) {}

  @ConsumesEvent(StaffPageRequested)
  async staffPageRequested(@Payload() event: InboundEvent<StaffPageRequestedV1>, @Ctx() context: EventContext): Promise<void> {
    const page = event.payload;
    let text: string = STAFF_PAGE_TEXT[page.kind];
    if (page.kind === 'follow-up-reminder') {
      // Back to the encounter page of the offer this supporter accepted, through a fresh link.
      const offer = await this.encounterRecords.acceptedOffer(context.manager, page.caseId, page.recipientId);
      text = followUpReminderText(offer && this.encounters.link(offer.assignmentId));
    } else if (page.kind === 'group-debrief-offer') {
      text = groupDebriefOfferText(page.unit);
    }
    await this.dispatches.enqueue(context.manager, {
      kind: 'staff-page', refId: page.pageId, caseId: page.caseId, recipientId: page.recipientId, channels: page.channels, text,
      pageKind: page.kind, deliverBy: new Date(Date.now() + this.settings.deadlineMinutes * 60_000),
    });
  }
}
