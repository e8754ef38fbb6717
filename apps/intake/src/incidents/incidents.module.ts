import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { IncidentsController } from './incidents.controller';
import { IncidentReportedHandler } from './incident-reported.handler';

@Module({
  imports: [TriggersModule],
  controllers: [IncidentsController],
  providers: [IncidentReportedHandler],
})
export class IncidentsModule {}
