import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { IncidentReported, SupportRequested } from '@harbor/contracts';
import { versionedType } from '@harbor/messaging';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { IncidentsModule } from './incidents/incidents.module';
import { IncidentReportedHandler } from './incidents/incident-reported.handler';
import { IntakeEnv } from './intake.env';
import { IntakeTriggers1764000000100 } from './migrations/1764000000100-intake-triggers';

@Module({})
export class IntakeModule {
  static forRoot(env: IntakeEnv, logger: Logger): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'intake',
          schema: 'intake',
          env,
          logger,
          migrations: [IntakeTriggers1764000000100],
          producesTo: [SupportRequested.topic],
          consumes: [
            // Source systems publish plain JSON; a record without ce_type is read as a native incident.
            { topic: IncidentReported.topic, handlers: [IncidentReportedHandler], typeWhenAbsent: versionedType(IncidentReported) },
          ],
        }),
        IncidentsModule,
      ],
    };
  }
}
