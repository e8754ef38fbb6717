import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AssignmentClosed, AssignmentOffered, CaseLifecycle, ContactReleased, GroupDebriefChanged, StaffPageRequested } from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { CasesModule } from './cases/cases.module';
import { DirectoryModule } from './directory/directory.module';
import { MatchingEnv } from './matching.env';
import { MatchingSettingsModule } from './matching.settings';
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
          producesTo: [AssignmentOffered, AssignmentClosed, CaseLifecycle, ContactReleased, StaffPageRequested, GroupDebriefChanged],
          // A FHIR Bundle of clinicians holds about 25 values per clinician; the import validates them row by row.
          jsonValueLimits: { '/v1/directory/clinicians/import': 30_000 },
        }),
        MatchingSettingsModule.forRoot(env),
        DirectoryModule,
        RosterModule,
        CasesModule,
      ],
    };
  }
}
