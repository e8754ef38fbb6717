import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session from 'express-session';
import { Pool } from 'pg';
import { Logger } from 'pino';
import { LOGGER } from '@harbor/service-runtime';
import { SessionSettings } from '../console.settings';

/**
 * Server-side sessions in Postgres (connect-pg-simple, table "console"."sessions" from the console's migration;
 * never created on the fly). The browser holds only the signed session id: HttpOnly, SameSite=Lax (Strict would
 * drop the cookie on the provider's redirect back), Secure over https.
 */
@Injectable()
export class ConsoleSessions implements OnApplicationShutdown {
  readonly middleware: RequestHandler;
  private readonly pool: Pool;
  private readonly store: session.Store & { close(): void };

  constructor(settings: SessionSettings, @Inject(LOGGER) logger: Logger) {
    // eslint-disable-next-line no-restricted-syntax -- listens for 'error' just below
    this.pool = new Pool({ connectionString: settings.databaseUrl, max: 5, application_name: 'harbor-console-sessions' });
    // An idle connection ended by the server (restart, failover, pg_terminate_backend) is an 'error' on the pool;
    // unheard, it would end the process. The pool drops that connection and the next request opens another.
    this.pool.on('error', (error) => logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'console session store lost an idle database connection'));
    const PgStore = connectPgSimple(session);
    this.store = new PgStore({ pool: this.pool, schemaName: 'console', tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 600 });
    this.middleware = session({
      name: 'harbor_console',
      secret: settings.secret,
      store: this.store,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      proxy: settings.secureCookie,
      cookie: { httpOnly: true, sameSite: 'lax', secure: settings.secureCookie, path: '/', maxAge: settings.maxMinutes * 60_000 },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.store.close();
    await this.pool.end();
  }
}
