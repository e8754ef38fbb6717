import { Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller';
import { IncidentReportedHandler } from './incident-reported.handler';
import { RecordIncident } from './record-incident.usecase';

@Module({
  controllers: [IncidentsController],
  providers: [RecordIncident, IncidentReportedHandler],
})
export class IncidentsModule {}
