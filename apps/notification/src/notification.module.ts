import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AssignmentPaged, AssignmentResponded, AssignmentUndeliverable, EncounterRecorded, StaffPageFailed } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { ServiceRuntimeModule, standardProblem } from '@harbor/service-runtime';
import { LINK_PAGE_HEADERS } from './acknowledgements/link-page-headers';
import { notificationMigrations } from './migrations';
import { ENCOUNTER_PAGE_HEADERS } from './encounters/encounter-page.html';
import { NotificationEnv } from './notification.env';
import { NotificationSettingsModule } from './notification.settings';
import { OffersModule } from './offers/offers.module';

@Module({})
export class NotificationModule {
  static forRoot(env: NotificationEnv, logger: Logger): DynamicModule {
    return {
      module: NotificationModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'notification',
          openApiMetadata: () => import('./openapi-metadata'),
          schema: 'notification',
          env,
          logger,
          migrations: notificationMigrations(parseKeyRing(env.CONTACT_ENCRYPTION_KEYS)),
          producesTo: [AssignmentResponded, AssignmentUndeliverable, AssignmentPaged, StaffPageFailed, EncounterRecorded],
          // Errors on the link pages, even those raised before a route is chosen, carry the pages' headers.
          problemRenderers: [
            { pathPrefix: '/a/', contentType: 'application/problem+json', render: standardProblem, headers: LINK_PAGE_HEADERS },
            { pathPrefix: '/e/', contentType: 'application/problem+json', render: standardProblem, headers: ENCOUNTER_PAGE_HEADERS },
          ],
        }),
        NotificationSettingsModule.forRoot(env),
        OffersModule,
      ],
    };
  }
}
