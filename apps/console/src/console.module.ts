import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { Logger } from 'pino';
import { ServiceRuntimeModule } from '@harbor/service-runtime';
import { HarborApi } from './api/harbor-api';
import { ConsoleEnv } from './console.env';
import { ConsoleSettingsModule } from './console.settings';
import { CONSOLE_MIGRATIONS } from './migrations';
import { PAGE_CONTROLLERS } from './pages';
import { setFormTargets } from './pages/page-headers';
import { AuthController } from './session/auth.controller';
import { OidcClient } from './session/oidc-client';
import { ConsoleSessions } from './session/session-store';

/**
 * The program team's web console: server-rendered pages over the four services' APIs, signed in through the
 * hospital's OpenID Connect provider. No events, so no Kafka (messaging: false); its schema holds the sessions.
 */
@Module({})
export class ConsoleModule implements NestModule {
  constructor(private readonly sessions: ConsoleSessions) {}

  static forRoot(env: ConsoleEnv, logger: Logger): DynamicModule {
    setFormTargets([new URL(env.CONSOLE_OIDC_ISSUER).origin]);
    return {
      module: ConsoleModule,
      imports: [
        ServiceRuntimeModule.forService({ service: 'console', schema: 'console', env, logger, migrations: CONSOLE_MIGRATIONS, producesTo: [], messaging: false }),
        ConsoleSettingsModule.forRoot(env),
      ],
      controllers: [AuthController, ...PAGE_CONTROLLERS],
      providers: [OidcClient, ConsoleSessions, HarborApi],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.sessions.middleware).forRoutes(AuthController, ...PAGE_CONTROLLERS);
  }
}
