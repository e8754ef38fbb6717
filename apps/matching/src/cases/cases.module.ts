import { Module } from '@nestjs/common';
import { CasesController } from './cases.controller';
import { AssignmentRespondedHandler, SupportRequestedHandler } from './event-handlers';
import { OfferNextSupporter } from './offer-next-supporter.usecase';
import { OpenCase } from './open-case.usecase';
import { RecordResponse } from './record-response.usecase';

@Module({
  controllers: [CasesController],
  providers: [OpenCase, OfferNextSupporter, RecordResponse, SupportRequestedHandler, AssignmentRespondedHandler],
})
export class CasesModule {}
