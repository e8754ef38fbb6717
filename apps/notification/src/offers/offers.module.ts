import { Module } from '@nestjs/common';
import { AcknowledgementsController } from '../acknowledgements/acknowledgements.controller';
import { RespondToOffer } from '../acknowledgements/respond-to-offer.usecase';
import { ChannelRegistry } from '../channels/channel-registry';
import { AssignmentOfferedHandler } from './assignment-offered.handler';
import { PageSupporter } from './page-supporter.usecase';

@Module({
  controllers: [AcknowledgementsController],
  providers: [ChannelRegistry, PageSupporter, AssignmentOfferedHandler, RespondToOffer],
})
export class OffersModule {}
