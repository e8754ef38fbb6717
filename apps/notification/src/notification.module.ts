import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AssignmentPaged, AssignmentResponded, AssignmentUndeliverable, EncounterRecorded, StaffPageFailed } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { ServiceRuntimeModule, standardProblem } from '@harbor/service-runtime';
import { LINK_PAGE_HEADERS } from './acknowledgements/link-page-headers';
import { NotificationOffers1764000000300 } from './migrations/1764000000300-notification-offers';
import { NotificationDispatch1764000000310 } from './migrations/1764000000310-notification-dispatch';
import { notificationSealedContactsMigration } from './migrations/1764000030100-notification-sealed-contacts';
import { NotificationSmsReplies1764000030200 } from './migrations/1764000030200-notification-sms-replies';
import { NotificationLinkViewers1764000030300 } from './migrations/1764000030300-notification-link-viewers';
import { NotificationDeliveryIntents1764000050000 } from './migrations/1764000050000-notification-delivery-intents';
import { NotificationDispatchTraceContext1764000080000 } from './migrations/1764000080000-notification-dispatch-trace-context';
import { ENCOUNTER_PAGE_HEADERS } from './encounters/encounter-page.html';
import { NotificationEncounters1764000130000 } from './migrations/1764000130000-notification-encounters';
import { NotificationEnv } from './notification.env';
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
          migrations: [
            NotificationOffers1764000000300, NotificationDispatch1764000000310, notificationSealedContactsMigration(parseKeyRing(env.CONTACT_ENCRYPTION_KEYS)),
            NotificationSmsReplies1764000030200, NotificationLinkViewers1764000030300, NotificationDeliveryIntents1764000050000, NotificationDispatchTraceContext1764000080000,
            NotificationEncounters1764000130000,
          ],
          producesTo: [AssignmentResponded, AssignmentUndeliverable, AssignmentPaged, StaffPageFailed, EncounterRecorded],
          // Errors on the link pages, even those raised before a route is chosen, carry the pages' headers.
          problemRenderers: [
            { pathPrefix: '/a/', contentType: 'application/problem+json', render: standardProblem, headers: LINK_PAGE_HEADERS },
            { pathPrefix: '/e/', contentType: 'application/problem+json', render: standardProblem, headers: ENCOUNTER_PAGE_HEADERS },
          ],
        }),
        OffersModule,
      ],
    };
  }
}
