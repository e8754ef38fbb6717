// First: tracing (when OTEL_TRACES_EXPORTER asks for it) must patch http, express, pg and kafkajs before they load.
import '@harbor/tracing';
import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { IntakeEnv } from './intake.env';
import { IntakeModule } from './intake.module';

runService({ name: 'intake', env: IntakeEnv, module: (env, logger) => IntakeModule.forRoot(env, logger), bodyLimit: (env) => env.INTAKE_BODY_LIMIT });
