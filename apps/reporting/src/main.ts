// First: tracing (when OTEL_TRACES_EXPORTER asks for it) must patch http, express, pg and kafkajs before they load.
import '@harbor/tracing';
import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { ReportingEnv } from './reporting.env';
import { ReportingModule } from './reporting.module';

runService({ name: 'reporting', env: ReportingEnv, module: (env, logger) => ReportingModule.forRoot(env, logger) });
