import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { SupportMetrics } from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { FactsModule } from './facts/facts.module';
import { ReportingEnv } from './reporting.env';
import { ReportingSettingsModule } from './reporting.settings';
import { REPORTING_MIGRATIONS } from './migrations';

@Module({})
export class ReportingModule {
  static forRoot(env: ReportingEnv, logger: Logger): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'reporting',
          openApiMetadata: () => import('./openapi-metadata'),
          schema: 'reporting',
          env,
          logger,
          migrations: REPORTING_MIGRATIONS,
          producesTo: [SupportMetrics],
        }),
        ReportingSettingsModule.forRoot(env),
        FactsModule,
      ],
    };
  }
}
