import { DynamicModule } from '@nestjs/common';
import { Logger } from 'pino';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { migrateServiceSchema } from '@harbor/persistence';
import { createLogger } from '@harbor/observability';
import { createServiceApp, listen } from './bootstrap';
import { boundHeapGrowth } from './heap-growth';
import { serviceDataSource, serviceDeclaration } from './service-runtime.module';
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
  if (process.argv[2] === 'migrate') {
    migrateService(entry).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`${entry.name} migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
    return;
  }
  const start = async () => {
    boundHeapGrowth();
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

/**
 * `main.js migrate`: creates the service's schema if missing and applies its pending migrations, then exits.
 * Run it (Kubernetes init container, Compose one-shot service) with the migration role's DATABASE_URL, so the
 * role the service runs with needs no CREATE. Nothing else starts: no HTTP, no Kafka.
 */
export async function migrateService<E extends ServiceEnv>(entry: ServiceEntry<E>, environment: Record<string, string | undefined> = process.env): Promise<string[]> {
  // Only the database settings count: every other setting keeps its default, so the step needs neither the
  // service's secrets nor passes its production checks on them (it sends no page and serves no request).
  const env = loadConfig(entry.env, pick(environment, MIGRATE_SETTINGS));
  const logger = createLogger(entry.name, env.LOG_LEVEL);
  const declaration = serviceDeclaration(entry.module(env, logger));
  const dataSource = serviceDataSource({ ...declaration, env });
  try {
    const applied = await migrateServiceSchema(dataSource, declaration.schema);
    logger.info({ schema: declaration.schema, applied }, applied.length > 0 ? `applied ${applied.length} migration(s)` : 'schema is up to date');
    return applied;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

const MIGRATE_SETTINGS = ['DATABASE_URL', 'DATABASE_URL_FILE', 'LOG_LEVEL'];

function pick(environment: Record<string, string | undefined>, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.filter((name) => environment[name] !== undefined).map((name) => [name, environment[name]]));
}
