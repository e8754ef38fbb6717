import { Module } from '@nestjs/common';
import { DebriefsModule } from '../debriefs/debriefs.module';
import { PolicyModule } from '../policy/policy.module';
import { RosterModule } from '../roster/roster.module';
import { AbsorptionReport } from './absorption-report';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore } from './case-store';
import { CaseGauges } from './case-gauges';
import { CasesController } from './cases.controller';
import { CaseViews } from './case-views';
import { DeadlineScheduler } from './deadline-scheduler';
import { DeadlineStore } from './deadline-store';
import { EscalateCase } from './escalate-case.usecase';
import { CaseEventsController } from './case-events.controller';
import { ExplainCase } from './explain-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';
import { OpenCase } from './open-case.usecase';
import { PurgeClosedCases } from './purge-closed-cases.usecase';
import { RecordOutcome } from './record-outcome.usecase';
import { RecordResponse } from './record-response.usecase';
import { RecordEncounter } from './record-encounter.usecase';
import { WithdrawOrFlagInvolvedOffers } from './withdraw-or-flag-involved-offers.usecase';

@Module({
  imports: [PolicyModule, RosterModule, DebriefsModule],
  controllers: [CasesController, CaseEventsController],
  providers: [
    OpenCase, AbsorptionReport, OfferNextSupporter, EscalateCase, RecordResponse, RecordOutcome, RecordEncounter, ExplainCase, DeadlineScheduler, CaseGauges, CaseViews, PurgeClosedCases,
    WithdrawOrFlagInvolvedOffers,
    // One owner per table: cases and absorbed requests, assignments, deadlines (the roster's SupporterStore comes from RosterModule).
    CaseStore, AssignmentStore, DeadlineStore, CaseRecords,
  ],
})
export class CasesModule {}
