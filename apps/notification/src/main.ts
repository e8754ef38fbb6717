// First: tracing (when OTEL_TRACES_EXPORTER asks for it) must patch http, express, pg and kafkajs before they load.
import '@harbor/tracing';
import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { NotificationEnv } from './notification.env';
import { NotificationModule } from './notification.module';

runService({ name: 'notification', env: NotificationEnv, module: (env, logger) => NotificationModule.forRoot(env, logger) });
