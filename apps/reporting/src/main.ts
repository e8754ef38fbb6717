import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { ReportingEnv } from './reporting.env';
import { ReportingModule } from './reporting.module';

runService({ name: 'reporting', env: ReportingEnv, module: (env, logger) => ReportingModule.forRoot(env, logger) });
