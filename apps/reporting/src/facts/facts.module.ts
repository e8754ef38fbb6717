import { Module } from '@nestjs/common';
import { DashboardController } from '../dashboard/dashboard.controller';
import { MetricsController } from '../metrics/metrics.controller';
import { ReleaseStore } from '../metrics/release-store';
import { PublicationScheduler } from '../publication/publication.scheduler';
import { PublishMetrics } from '../publication/publish-metrics.usecase';
import { RecognitionController } from '../recognition/recognition.controller';
import { RecogniseSupporters } from '../recognition/recognise-supporters.usecase';
import { CaseFactStore } from './case-fact-store';
import { CaseLifecycleHandler } from './case-lifecycle.handler';
import { DebriefFactStore } from './debrief-fact-store';
import { GroupDebriefHandler } from './group-debrief.handler';
import { RecordCaseFact } from './record-case-fact.usecase';

@Module({
  controllers: [MetricsController, RecognitionController, DashboardController, CaseLifecycleHandler, GroupDebriefHandler],
  providers: [CaseFactStore, DebriefFactStore, RecordCaseFact, ReleaseStore, PublishMetrics, PublicationScheduler, RecogniseSupporters],
})
export class FactsModule {}
