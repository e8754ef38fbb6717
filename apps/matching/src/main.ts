import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { MatchingEnv } from './matching.env';
import { MatchingModule } from './matching.module';

runService({ name: 'matching', env: MatchingEnv, module: (env, logger) => MatchingModule.forRoot(env, logger) });
