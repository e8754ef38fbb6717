import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AssignmentOffered, AssignmentResponded, CaseLifecycle, SupportRequested } from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { CasesModule } from './cases/cases.module';
import { AssignmentRespondedHandler, SupportRequestedHandler } from './cases/event-handlers';
import { DirectoryModule } from './directory/directory.module';
import { MatchingEnv } from './matching.env';
import { MatchingDirectoryAndCases1764000000200 } from './migrations/1764000000200-matching-directory-and-cases';
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
          migrations: [MatchingDirectoryAndCases1764000000200],
          producesTo: [AssignmentOffered.topic, CaseLifecycle.topic],
          consumes: [
            { topic: SupportRequested.topic, handlers: [SupportRequestedHandler] },
            { topic: AssignmentResponded.topic, handlers: [AssignmentRespondedHandler] },
          ],
        }),
        DirectoryModule,
        RosterModule,
        CasesModule,
      ],
    };
  }
}
