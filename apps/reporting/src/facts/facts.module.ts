import { Module } from '@nestjs/common';
import { DashboardController } from '../dashboard/dashboard.controller';
import { MetricsController } from '../metrics/metrics.controller';
import { ReleaseStore } from '../metrics/release-store';
import { PublicationScheduler } from '../publication/publication.scheduler';
import { PublishMetrics } from '../publication/publish-metrics.usecase';
import { RecognitionController } from '../recognition/recognition.controller';
import { CaseLifecycleHandler } from './case-lifecycle.handler';
import { RecordCaseFact } from './record-case-fact.usecase';

@Module({
  controllers: [MetricsController, RecognitionController, DashboardController, CaseLifecycleHandler],
  providers: [RecordCaseFact, ReleaseStore, PublishMetrics, PublicationScheduler],
})
export class FactsModule {}
