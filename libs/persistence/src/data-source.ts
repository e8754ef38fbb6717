import { DataSource, DataSourceOptions, MixedList, EntitySchema, MigrationExecutor } from 'typeorm';
import { postgresClient } from './postgres-client';

export interface ServiceDataSourceOptions {
  url: string;
  /** The Postgres schema this service owns; no other service reads it. */
  schema: string;
  entities?: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** Seconds an idle connection stays open; 0 keeps it for good. Default 300. */
  poolIdleSeconds?: number;
  /** Parameterised statements each connection keeps prepared (postgres-client.ts); 0: none, every statement planned anew. */
  preparedStatements?: number;
}

/** A TypeORM data source confined to one service's schema. Schema changes happen only through migrations. */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  const config: DataSourceOptions = {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      // pg-pool closes a connection after 10 s idle by default: at a steady trickle a service then opened one every
      // few seconds, each a new Postgres backend with cold caches that prepared every statement again.
      idleTimeoutMillis: (options.poolIdleSeconds ?? 300) * 1000,
      application_name: `harbor-${options.schema}`,
      Client: postgresClient({ preparedStatements: options.preparedStatements ?? 0 }),
    },
  };
  return new DataSource(config);
}

/**
 * Creates the schema if it is missing and applies pending migrations; safe to run from several replicas at once.
 * A schema that already exists is not created again, so a migration role that owns a schema prepared by the
 * DBA needs no CREATE on the database.
 */
export async function migrateServiceSchema(dataSource: DataSource, schema: string): Promise<string[]> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  // A session-level advisory lock keeps two replicas starting together from racing the same migration.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`harbor-migrate-${schema}`]);
    const [{ exists }] = await runner.query('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema]);
    if (!exists) await runner.query(`CREATE SCHEMA "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`harbor-migrate-${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** Raised at start-up when the database is behind the code and the service may not migrate it itself. */
export class PendingMigrationsError extends Error {
  constructor(
    readonly schema: string,
    readonly pending: string[],
  ) {
    super(
      `database schema "${schema}" is missing ${pending.length} migration(s): ${pending.join(', ')}. ` +
        'Run the migrate step with the migration role first (`node -r ./scripts/register-paths.js dist/apps/<service>/src/main.js migrate`), ' +
        'or set DATABASE_MIGRATE_ON_START=true where one role may change the schema.',
    );
    this.name = 'PendingMigrationsError';
  }
}

/** Connects without changing anything and fails, naming them, if migrations are pending (reads the migrations table only). */
export async function requireMigratedSchema(dataSource: DataSource, schema: string): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) throw new PendingMigrationsError(schema, pending.map((migration) => migration.name));
}
