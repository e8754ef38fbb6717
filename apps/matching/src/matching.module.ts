import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import {
  AssignmentClosed, AssignmentOffered, AssignmentPaged, AssignmentResponded, AssignmentUndeliverable, CaseLifecycle, ContactReleased, StaffPageRequested,
  SupportRequested,
} from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { CasesModule } from './cases/cases.module';
import { AssignmentPagedHandler, AssignmentRespondedHandler, AssignmentUndeliverableHandler, SupportRequestedHandler } from './cases/event-handlers';
import { DirectoryModule } from './directory/directory.module';
import { MatchingEnv } from './matching.env';
import { MatchingDirectoryAndCases1764000000200 } from './migrations/1764000000200-matching-directory-and-cases';
import { MatchingPolicyRosterDeadlines1764000000400 } from './migrations/1764000000400-matching-policy-roster-deadlines';
import { MatchingAbsorbedRequests1764000000700 } from './migrations/1764000000700-matching-absorbed-requests';
import { MatchingAckClockAtDelivery1764000050100 } from './migrations/1764000050100-matching-ack-clock-at-delivery';
import { RosterModule } from './roster/roster.module';

@Module({})
export class MatchingModule {
  static forRoot(env: MatchingEnv, logger: Logger): DynamicModule {
    return {
      module: MatchingModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'matching',
          schema: 'matching',
          env,
          logger,
          migrations: [
            MatchingDirectoryAndCases1764000000200, MatchingPolicyRosterDeadlines1764000000400, MatchingAbsorbedRequests1764000000700,
            MatchingAckClockAtDelivery1764000050100,
          ],
          producesTo: [AssignmentOffered, AssignmentClosed, CaseLifecycle, ContactReleased, StaffPageRequested],
          // A FHIR Bundle of clinicians holds about 25 values per clinician; the import validates them row by row.
          jsonValueLimits: { '/v1/directory/clinicians/import': 30_000 },
          consumes: [
            { topic: SupportRequested.topic, handlers: [SupportRequestedHandler] },
            { topic: AssignmentResponded.topic, handlers: [AssignmentRespondedHandler] },
            { topic: AssignmentUndeliverable.topic, handlers: [AssignmentUndeliverableHandler] },
            { topic: AssignmentPaged.topic, handlers: [AssignmentPagedHandler] },
          ],
        }),
        DirectoryModule,
        RosterModule,
        CasesModule,
      ],
    };
  }
}
