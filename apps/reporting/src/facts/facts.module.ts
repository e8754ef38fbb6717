import { Module } from '@nestjs/common';
import { MetricsController } from '../metrics/metrics.controller';
import { CaseLifecycleHandler } from './case-lifecycle.handler';
import { RecordCaseFact } from './record-case-fact.usecase';

@Module({ controllers: [MetricsController], providers: [RecordCaseFact, CaseLifecycleHandler] })
export class FactsModule {}
