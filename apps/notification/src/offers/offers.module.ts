import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AcknowledgementsController } from '../acknowledgements/acknowledgements.controller';
import { HandleSmsReply } from '../acknowledgements/handle-sms-reply.usecase';
import { setLinkPageHeaders } from '../acknowledgements/link-page-headers';
import { RespondToOffer } from '../acknowledgements/respond-to-offer.usecase';
import { TwilioMessageLookup } from '../acknowledgements/twilio-message-lookup';
import { TwilioWebhooksController } from '../acknowledgements/twilio-webhooks.controller';
import { ChannelRegistry } from '../channels/channel-registry';
import { ResilientSender } from '../channels/resilient-sender';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { Dispatcher } from '../dispatch/dispatcher';
import { StaffPageRequestedHandler } from '../staff-pages/staff-page-requested.handler';
import { StaffPagesController } from '../staff-pages/staff-pages.controller';
import { OfferEventsController } from './offer-events.controller';
import { OfferLinks } from './offer-links';
import { PageSupporter } from './page-supporter.usecase';
import { ReleasedContacts } from './released-contacts';
import { InboundSmsMessages } from '../acknowledgements/inbound-sms-messages';
import { DispatchStore } from '../dispatch/dispatch-store';
import { OfferStore } from './offer-store';
import { CloseOffer } from './close-offer.usecase';
import { DeliveryReceipts } from '../dispatch/delivery-receipts';
import { PurgeFinishedDispatches } from '../dispatch/purge-finished-dispatches.usecase';
import { EncountersModule } from '../encounters/encounters.module';

@Module({
  imports: [EncountersModule],
  controllers: [AcknowledgementsController, TwilioWebhooksController, StaffPagesController, OfferEventsController, StaffPageRequestedHandler],
  providers: [
    ChannelRegistry, ResilientSender, DispatchQueue, Dispatcher, PageSupporter, RespondToOffer, HandleSmsReply, OfferLinks, ReleasedContacts,
    TwilioMessageLookup, DeliveryReceipts, CloseOffer, OfferStore, DispatchStore, InboundSmsMessages, PurgeFinishedDispatches,
  ],
})
export class OffersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(setLinkPageHeaders).forRoutes(AcknowledgementsController);
  }
}
