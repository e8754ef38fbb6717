import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { TriageController } from './triage.controller';
import { TriageQueue } from './triage.usecases';

@Module({
  imports: [TriggersModule],
  controllers: [TriageController],
  providers: [TriageQueue],
})
export class TriageModule {}
