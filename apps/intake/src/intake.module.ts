import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { SupportRequested } from '@harbor/contracts';
import { ServiceRuntimeModule, standardProblem } from '@harbor/service-runtime';
import { FhirModule } from './fhir/fhir.module';
import { fhirProblemRenderer } from './fhir/operation-outcome';
import { IncidentsModule } from './incidents/incidents.module';
import { IntakeEnv } from './intake.env';
import { IntakeSettingsModule } from './intake.settings';
import { LawsuitsModule } from './lawsuits/lawsuits.module';
import { INTAKE_MIGRATIONS } from './migrations';
import { OptOutsModule } from './opt-outs/opt-outs.module';
import { ReferralsModule } from './referrals/referrals.module';
import { SELF_REFERRAL_HEADERS } from './referrals/self-referral-page.html';
import { TriageModule } from './triage/triage.module';

@Module({})
export class IntakeModule {
  static forRoot(env: IntakeEnv, logger: Logger): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'intake',
          openApiMetadata: () => import('./openapi-metadata'),
          schema: 'intake',
          env,
          logger,
          migrations: INTAKE_MIGRATIONS,
          producesTo: [SupportRequested],
          // Errors on the self-referral page, even those raised before a route is chosen, carry its headers.
          problemRenderers: [fhirProblemRenderer, { pathPrefix: '/refer', contentType: 'application/problem+json', render: standardProblem, headers: SELF_REFERRAL_HEADERS }],
          // Counted and logged under shared labels: a live count per route would tell lawsuits from incidents and
          // referrals, or show when someone opted out (opt-outs share a label with the triage queue's routes).
          routeLabels: {
            '/fhir/AdverseEvent': 'trigger-submission',
            '/v1/incidents': 'trigger-submission',
            '/v1/lawsuits': 'trigger-submission',
            '/v1/referrals': 'trigger-submission',
            '/v1/opt-outs': 'program-staff-request',
            '/v1/triage': 'program-staff-request',
            '/v1/triage/:id/assign': 'program-staff-request',
            '/v1/triage/:id/dismiss': 'program-staff-request',
            '/refer': 'self-referral-page',
          },
        }),
        IntakeSettingsModule.forRoot(env),
        IncidentsModule,
        FhirModule,
        LawsuitsModule,
        ReferralsModule,
        TriageModule,
        OptOutsModule,
      ],
    };
  }
}
