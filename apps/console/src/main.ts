// First: tracing (when OTEL_TRACES_EXPORTER asks for it) must patch http and express before they load.
import '@harbor/tracing';
import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { ConsoleEnv } from './console.env';
import { ConsoleModule } from './console.module';

runService({ name: 'console', env: ConsoleEnv, module: (env, logger) => ConsoleModule.forRoot(env, logger) });
