import { Module } from '@nestjs/common';
import { AcknowledgementsController } from '../acknowledgements/acknowledgements.controller';
import { HandleSmsReply } from '../acknowledgements/handle-sms-reply.usecase';
import { RespondToOffer } from '../acknowledgements/respond-to-offer.usecase';
import { TwilioWebhooksController } from '../acknowledgements/twilio-webhooks.controller';
import { ChannelRegistry } from '../channels/channel-registry';
import { ResilientSender } from '../channels/resilient-sender';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { Dispatcher } from '../dispatch/dispatcher';
import { StaffPageRequestedHandler } from '../staff-pages/staff-page-requested.handler';
import { StaffPagesController } from '../staff-pages/staff-pages.controller';
import { AssignmentClosedHandler } from './assignment-closed.handler';
import { AssignmentOfferedHandler } from './assignment-offered.handler';
import { ContactReleasedHandler } from './contact-released.handler';
import { PageSupporter } from './page-supporter.usecase';

@Module({
  controllers: [AcknowledgementsController, TwilioWebhooksController, StaffPagesController],
  providers: [
    ChannelRegistry, ResilientSender, DispatchQueue, Dispatcher, PageSupporter, RespondToOffer, HandleSmsReply,
    AssignmentOfferedHandler, AssignmentClosedHandler, ContactReleasedHandler, StaffPageRequestedHandler,
  ],
})
export class OffersModule {}
