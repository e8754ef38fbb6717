import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { TriggersModule } from '../triggers/triggers.module';
import { IncidentsController } from './incidents.controller';
import { IncidentReportedHandler } from './incident-reported.handler';

@Module({
  imports: [TriggersModule, SourceAuthModule],
  controllers: [IncidentsController, IncidentReportedHandler],
})
export class IncidentsModule {}
