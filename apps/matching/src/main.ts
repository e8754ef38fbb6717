// First: tracing (when OTEL_TRACES_EXPORTER asks for it) must patch http, express, pg and kafkajs before they load.
import '@harbor/tracing';
import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { MatchingEnv } from './matching.env';
import { MatchingModule } from './matching.module';

runService({ name: 'matching', env: MatchingEnv, module: (env, logger) => MatchingModule.forRoot(env, logger) });
