import { DynamicModule } from '@nestjs/common';
import { Logger } from 'pino';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { createServiceApp, listen } from './bootstrap';
import { ServiceHealth } from './service-health';

/** A failed service gets this long to stop its consumer and flush its outbox before it exits anyway. */
const EXIT_AFTER_FAILURE_MS = 15_000;

export interface ServiceEntry<E extends ServiceEnv> {
  name: string;
  env: new () => E;
  module: (env: E, logger: Logger) => DynamicModule;
  bodyLimit?: (env: E) => string;
}

/**
 * A service's `main`: validate the environment (a bad value stops the process naming the variable),
 * build the app, listen. Exits non-zero on any start-up failure so orchestrators restart or alert, and
 * on a failure later that the service cannot recover from by itself (a consumer that crashed for good):
 * a live process that consumes nothing would otherwise look healthy.
 */
export function runService<E extends ServiceEnv>(entry: ServiceEntry<E>): void {
  const start = async () => {
    const env = loadConfig(entry.env);
    const http = { host: env.HTTP_HOST, port: env.HTTP_PORT, bodyLimit: entry.bodyLimit?.(env) };
    const logger = createLogger(entry.name, env.LOG_LEVEL);
    const app = await createServiceApp(entry.module(env, logger), http, logger);
    app.get(ServiceHealth).onFatal(() => {
      process.exitCode = 1;
      const exit = () => process.exit(1);
      setTimeout(exit, EXIT_AFTER_FAILURE_MS).unref();
      app.close().then(exit, exit);
    });
    await listen(app, entry.name, http);
  };
  start().catch((error) => {
    process.stderr.write(`${entry.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
