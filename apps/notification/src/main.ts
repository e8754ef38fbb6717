import 'reflect-metadata';
import { runService } from '@harbor/service-runtime';
import { NotificationEnv } from './notification.env';
import { NotificationModule } from './notification.module';

runService({ name: 'notification', env: NotificationEnv, module: (env, logger) => NotificationModule.forRoot(env, logger) });
