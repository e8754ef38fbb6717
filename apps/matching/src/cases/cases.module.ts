import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module';
import { AbsorptionReport } from './absorption-report';
import { CaseGauges } from './case-gauges';
import { CasesController } from './cases.controller';
import { DeadlineScheduler } from './deadline-scheduler';
import { EscalateCase } from './escalate-case.usecase';
import { AssignmentPagedHandler, AssignmentRespondedHandler, AssignmentUndeliverableHandler, SupportRequestedHandler } from './event-handlers';
import { ExplainCase } from './explain-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';
import { OpenCase } from './open-case.usecase';
import { RecordOutcome } from './record-outcome.usecase';
import { RecordResponse } from './record-response.usecase';

@Module({
  imports: [PolicyModule],
  controllers: [CasesController],
  providers: [
    OpenCase, AbsorptionReport, OfferNextSupporter, EscalateCase, RecordResponse, RecordOutcome, ExplainCase, DeadlineScheduler, CaseGauges,
    SupportRequestedHandler, AssignmentRespondedHandler, AssignmentUndeliverableHandler, AssignmentPagedHandler,
  ],
})
export class CasesModule {}
