import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module';
import { RosterModule } from '../roster/roster.module';
import { GroupDebriefStore } from './group-debrief-store';
import { GroupDebriefsController } from './group-debriefs.controller';
import { OfferGroupDebrief } from './offer-group-debrief.usecase';
import { RecordDebriefOutcome } from './record-debrief-outcome.usecase';

/** One event, a whole unit: group debriefs offered to a unit's coordinator, and their structured outcomes. */
@Module({
  imports: [PolicyModule, RosterModule],
  controllers: [GroupDebriefsController],
  providers: [GroupDebriefStore, OfferGroupDebrief, RecordDebriefOutcome],
  exports: [GroupDebriefStore, OfferGroupDebrief],
})
export class DebriefsModule {}
