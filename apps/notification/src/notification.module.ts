import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import {
  AssignmentClosed, AssignmentOffered, AssignmentPaged, AssignmentResponded, AssignmentUndeliverable, ContactReleased, StaffPageFailed, StaffPageRequested,
} from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { NotificationOffers1764000000300 } from './migrations/1764000000300-notification-offers';
import { NotificationDispatch1764000000310 } from './migrations/1764000000310-notification-dispatch';
import { NotificationDeliveryIntents1764000050000 } from './migrations/1764000050000-notification-delivery-intents';
import { NotificationEnv } from './notification.env';
import { AssignmentClosedHandler } from './offers/assignment-closed.handler';
import { AssignmentOfferedHandler } from './offers/assignment-offered.handler';
import { ContactReleasedHandler } from './offers/contact-released.handler';
import { OffersModule } from './offers/offers.module';
import { StaffPageRequestedHandler } from './staff-pages/staff-page-requested.handler';

@Module({})
export class NotificationModule {
  static forRoot(env: NotificationEnv, logger: Logger): DynamicModule {
    return {
      module: NotificationModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'notification',
          schema: 'notification',
          env,
          logger,
          migrations: [NotificationOffers1764000000300, NotificationDispatch1764000000310, NotificationDeliveryIntents1764000050000],
          producesTo: [AssignmentResponded, AssignmentUndeliverable, AssignmentPaged, StaffPageFailed],
          consumes: [
            { topic: AssignmentOffered.topic, handlers: [AssignmentOfferedHandler] },
            { topic: AssignmentClosed.topic, handlers: [AssignmentClosedHandler] },
            { topic: ContactReleased.topic, handlers: [ContactReleasedHandler] },
            { topic: StaffPageRequested.topic, handlers: [StaffPageRequestedHandler] },
          ],
        }),
        OffersModule,
      ],
    };
  }
}
