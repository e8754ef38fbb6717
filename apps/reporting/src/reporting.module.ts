import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { CaseLifecycle, SupportMetrics } from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { CaseLifecycleHandler } from './facts/case-lifecycle.handler';
import { FactsModule } from './facts/facts.module';
import { ReportingCaseFacts1764000000400 } from './migrations/1764000000400-reporting-case-facts';
import { ReportingCaseOutcomes1764000000600 } from './migrations/1764000000600-reporting-case-outcomes';
import { ReportingReleases1764000010000 } from './migrations/1764000010000-reporting-releases';
import { ReportingEnv } from './reporting.env';

@Module({})
export class ReportingModule {
  static forRoot(env: ReportingEnv, logger: Logger): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'reporting',
          schema: 'reporting',
          env,
          logger,
          migrations: [ReportingCaseFacts1764000000400, ReportingCaseOutcomes1764000000600, ReportingReleases1764000010000],
          producesTo: [SupportMetrics],
          consumes: [{ topic: CaseLifecycle.topic, handlers: [CaseLifecycleHandler] }],
        }),
        FactsModule,
      ],
    };
  }
}
