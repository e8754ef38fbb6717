import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  /** The Postgres schema this service owns; no other service reads it. */
  schema: string;
  entities?: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
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
    extra: { max: options.poolSize ?? 10, application_name: `harbor-${options.schema}` },
  };
  return new DataSource(config);
}

/** Creates the schema if needed and applies pending migrations; safe to run from several replicas at once. */
export async function migrateServiceSchema(dataSource: DataSource, schema: string): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  // A session-level advisory lock keeps two replicas starting together from racing the same migration.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`harbor-migrate-${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`harbor-migrate-${schema}`]).catch(() => undefined);
    await runner.release();
  }
}
