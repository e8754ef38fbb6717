import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OfferStore } from '../offers/offer-store';
import { ReleasedContacts } from '../offers/released-contacts';
import { EncounterContentController } from './encounter-content.controller';
import { EncounterContentStore } from './encounter-content-store';
import { EncounterController } from './encounter.controller';
import { EncounterLinks } from './encounter-links';
import { ENCOUNTER_PAGE_HEADERS } from './encounter-page.html';
import { EncounterRecords } from './encounter-records';
import { RecordEncounter } from './record-encounter.usecase';

function setEncounterPageHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.set(ENCOUNTER_PAGE_HEADERS);
  next();
}

/**
 * The supporter's encounter after acceptance: the `/e/` page (guide, resources, record) and the per-program
 * content program staff edit. EncounterLinks and EncounterRecords are exported for the offer pages and reminders.
 */
@Module({
  controllers: [EncounterController, EncounterContentController],
  providers: [EncounterLinks, EncounterRecords, EncounterContentStore, RecordEncounter, ReleasedContacts, OfferStore],
  exports: [EncounterLinks, EncounterRecords],
})
export class EncountersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(setEncounterPageHeaders).forRoutes(EncounterController);
  }
}
