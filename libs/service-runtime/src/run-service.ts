import { DynamicModule } from '@nestjs/common';
import { Logger } from 'pino';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { createServiceApp, listen } from './bootstrap';

export interface ServiceEntry<E extends ServiceEnv> {
  name: string;
  env: new () => E;
  module: (env: E, logger: Logger) => DynamicModule;
  bodyLimit?: (env: E) => string;
}

/**
 * A service's `main`: validate the environment (a bad value stops the process naming the variable),
 * build the app, listen. Exits non-zero on any start-up failure so orchestrators restart or alert.
 */
export function runService<E extends ServiceEnv>(entry: ServiceEntry<E>): void {
  const start = async () => {
    const env = loadConfig(entry.env);
    const http = { host: env.HTTP_HOST, port: env.HTTP_PORT, bodyLimit: entry.bodyLimit?.(env) };
    const logger = createLogger(entry.name, env.LOG_LEVEL);
    const app = await createServiceApp(entry.module(env, logger), http, logger);
    await listen(app, entry.name, http);
  };
  start().catch((error) => {
    process.stderr.write(`${entry.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
