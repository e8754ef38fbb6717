import { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { createScratchDatabase, migrateServiceSchema } from '@harbor/persistence';
import { serviceDataSource } from '@harbor/service-runtime';

export interface ServiceDatabase<E extends ServiceEnv> {
  dataSource: DataSource;
  env: E;
  close(): Promise<void>;
}

/**
 * One service's schema, migrated, in a scratch database of its own: what the Postgres-only (medium) tier gives
 * a use case or store under test, without Kafka or a Nest application.
 */
export async function openServiceDatabase<E extends ServiceEnv>(
  envClass: new () => E,
  schema: string,
  migrations: (new () => MigrationInterface)[],
  settings: Record<string, string> = {},
): Promise<ServiceDatabase<E>> {
  const serverUrl = process.env.HARBOR_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('medium tests must run through their jest project (npm test or npm run test:medium)');
  const scratch = await createScratchDatabase(serverUrl, `harbor_medium_${schema}`);
  const env = loadConfig(envClass, { ...settings, DATABASE_URL: scratch.url });
  const dataSource = serviceDataSource({ env, schema, migrations });
  await migrateServiceSchema(dataSource, schema);
  return {
    dataSource,
    env,
    async close() {
      await dataSource.destroy();
      await scratch.drop();
    },
  };
}
