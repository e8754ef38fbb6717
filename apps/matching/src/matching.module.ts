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
import { RosterModule } from './roster/roster.module';
import { MATCHING_MIGRATIONS } from './migrations';

@Module({})
export class MatchingModule {
  static forRoot(env: MatchingEnv, logger: Logger): DynamicModule {
    return {
      module: MatchingModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'matching',
          openApiMetadata: () => import('./openapi-metadata'),
          schema: 'matching',
          env,
          logger,
          migrations: MATCHING_MIGRATIONS,
          producesTo: [AssignmentOffered, AssignmentClosed, CaseLifecycle, ContactReleased, StaffPageRequested],
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
