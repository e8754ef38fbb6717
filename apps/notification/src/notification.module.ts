import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AssignmentOffered, AssignmentResponded } from '@harbor/contracts';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { NotificationOffers1764000000300 } from './migrations/1764000000300-notification-offers';
import { NotificationEnv } from './notification.env';
import { AssignmentOfferedHandler } from './offers/assignment-offered.handler';
import { OffersModule } from './offers/offers.module';

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
          migrations: [NotificationOffers1764000000300],
          producesTo: [AssignmentResponded.topic],
          // Paging calls providers: one record per transaction, so a rolled-back batch never pages twice.
          consumes: [{ topic: AssignmentOffered.topic, handlers: [AssignmentOfferedHandler], batchSize: 1 }],
        }),
        OffersModule,
      ],
    };
  }
}
