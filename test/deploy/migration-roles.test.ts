import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { Logger } from 'pino';
import { DevTokenIssuer, Role } from '@harbor/auth';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { ScratchDatabase } from '@harbor/persistence';
import { createServiceApp, migrateService, ServiceEntry } from '@harbor/service-runtime';
import { IntakeEnv } from '../../apps/intake/src/intake.env';
import { IntakeModule } from '../../apps/intake/src/intake.module';
import { MatchingEnv } from '../../apps/matching/src/matching.env';
import { MatchingModule } from '../../apps/matching/src/matching.module';
import { NotificationEnv } from '../../apps/notification/src/notification.env';
import { NotificationModule } from '../../apps/notification/src/notification.module';
import { ReportingEnv } from '../../apps/reporting/src/reporting.env';
import { ReportingModule } from '../../apps/reporting/src/reporting.module';
import { createTestDatabase, LogCapture, readTopic, testInfrastructure, uniqueSuffix, uniqueTopicPrefix, waitFor } from '../support/infrastructure';
import { REPO } from './support/manifests';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ENTRIES: ServiceEntry<any>[] = [
  { name: 'intake', env: IntakeEnv, module: (env: IntakeEnv, logger: Logger) => IntakeModule.forRoot(env, logger) },
  { name: 'matching', env: MatchingEnv, module: (env: MatchingEnv, logger: Logger) => MatchingModule.forRoot(env, logger) },
  { name: 'notification', env: NotificationEnv, module: (env: NotificationEnv, logger: Logger) => NotificationModule.forRoot(env, logger) },
  { name: 'reporting', env: ReportingEnv, module: (env: ReportingEnv, logger: Logger) => ReportingModule.forRoot(env, logger) },
];

/** Roles are cluster-wide in Postgres: each run names its own and drops them afterwards. */
function rolesFor(run: string, service: string) {
  return { migrator: `harbor_${run}_${service}_migrator`, runtime: `harbor_${run}_${service}` };
}

function roleUrl(database: ScratchDatabase, role: string): string {
  const url = new URL(database.url);
  url.username = role;
  url.password = '';
  return url.toString();
}

/** deploy/postgres/roles.sql exactly as the docs tell a DBA to run it. */
function applyRolesSql(database: ScratchDatabase, schema: string, roles: { migrator: string; runtime: string }): void {
  execFileSync('psql', [
    database.url, '-q', '-v', 'ON_ERROR_STOP=1', '-v', `database=${database.name}`, '-v', `schema=${schema}`,
    '-v', `migrator=${roles.migrator}`, '-v', `runtime=${roles.runtime}`, '-f', join(REPO, 'deploy/postgres/roles.sql'),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function startService(entry: ServiceEntry<any>, settings: Record<string, string>, logs: LogCapture): Promise<INestApplication> {
  const env = loadConfig(entry.env, settings) as ServiceEnv;
  const logger = createLogger(entry.name, 'info', logs.stream);
  const app = await createServiceApp(entry.module(env, logger) as DynamicModule, { host: '127.0.0.1', port: 0 }, logger);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('migrations run as a separate step with a migration role; services run with a role that has no CREATE', () => {
  const run = `t${uniqueSuffix()}`;
  const createdRoles: string[] = [];
  const databases: ScratchDatabase[] = [];
  const apps: INestApplication[] = [];
  const logs = new LogCapture();
  let issuer: DevTokenIssuer;

  beforeAll(async () => {
    issuer = await DevTokenIssuer.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await issuer?.stop();
    await Promise.all(databases.map((database) => database.drop()));
    for (const role of createdRoles) await query(testInfrastructure().databaseUrl, `DROP ROLE IF EXISTS "${role}"`);
  });

  async function preparedDatabase(): Promise<ScratchDatabase> {
    const database = await createTestDatabase();
    databases.push(database);
    for (const entry of ENTRIES) {
      const roles = rolesFor(`${run}${databases.length}`, entry.name);
      createdRoles.push(roles.migrator, roles.runtime);
      applyRolesSql(database, entry.name, roles);
    }
    return database;
  }

  function runtimeSettings(database: ScratchDatabase, service: string, topicPrefix: string): Record<string, string> {
    return {
      DATABASE_URL: roleUrl(database, rolesFor(`${run}${databases.indexOf(database) + 1}`, service).runtime),
      DATABASE_MIGRATE_ON_START: 'false',
      KAFKA_BROKERS: testInfrastructure().brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      AUTH_ISSUER: issuer.issuer,
    };
  }

  it('the migrate step applies every schema; all four services then start and write with runtime roles only', async () => {
    const database = await preparedDatabase();
    const roles = (service: string) => rolesFor(`${run}1`, service);

    for (const entry of ENTRIES) {
      const applied = await migrateService(entry, { DATABASE_URL: roleUrl(database, roles(entry.name).migrator), LOG_LEVEL: 'silent' });
      expect(applied.length).toBeGreaterThan(1);
      // A second run finds nothing to do (every replica's init step runs it).
      expect(await migrateService(entry, { DATABASE_URL: roleUrl(database, roles(entry.name).migrator), LOG_LEVEL: 'silent' })).toEqual([]);
      const [privileges] = await query(database.url, `SELECT has_database_privilege($1, current_database(), 'CREATE') AS on_database,
        has_schema_privilege($1, $2, 'CREATE') AS on_schema, (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $2) AS owner`, [roles(entry.name).runtime, entry.name]);
      expect(privileges).toEqual({ on_database: false, on_schema: false, owner: roles(entry.name).migrator });
    }

    const topicPrefix = uniqueTopicPrefix();
    for (const entry of ENTRIES) apps.push(await startService(entry, runtimeSettings(database, entry.name, topicPrefix), logs));
    const [intake, matching] = await Promise.all(apps.slice(0, 2).map(async (app) => (await app.getUrl()).replace('[::1]', '127.0.0.1')));
    for (const app of apps) {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      // Ready once its consumer group has joined, which can take a moment after the app listens.
      await waitFor(async () => (await fetch(`${url}/health/ready`)).status === 200, `${url} ready with the runtime role`);
    }

    // Writes through HTTP, the outbox and its relay (insert, update, delete, a sequence) as the runtime role.
    const admin = await issuer.issue([Role.ProgramAdmin]);
    const clinician = await fetch(`${matching}/v1/directory/clinicians`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identifiers: [{ system: 'urn:test', value: 'C-1' }], displayName: 'Test Clinician', profession: 'physician', facility: 'f1' }),
    });
    expect(clinician.status).toBe(201);
    const source = await issuer.issue([Role.SourceSystem]);
    const incident = await fetch(`${intake}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${source}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: 'test', sourceEventId: `e-${run}`, occurredAt: '2026-01-01T10:00:00Z', reportedAt: '2026-01-01T10:20:00Z',
        category: 'medication-error', harmLevel: 'severe', facility: 'f1', involvedClinicians: [{ identifier: { system: 'urn:test', value: 'C-1' } }],
      }),
    });
    expect(incident.status).toBe(202);
    const [request] = await readTopic(`${topicPrefix}support.requested.v1`, 1);
    expect(JSON.parse(request.value!.toString()).clinician).toEqual({ system: 'urn:test', value: 'C-1' });
  });

  it('without the migrate step a service with DATABASE_MIGRATE_ON_START=false refuses to start and names the pending migrations', async () => {
    const database = await preparedDatabase();
    const settings = runtimeSettings(database, 'reporting', uniqueTopicPrefix());
    const env = loadConfig(ReportingEnv, settings);
    // abortOnError: false, so Nest throws what would make the process exit (runService exits 1 with the message).
    const attempt = NestFactory.create(ReportingModule.forRoot(env, createLogger('reporting', 'silent')), { abortOnError: false, logger: false });
    await expect(attempt).rejects.toThrow(/database schema "reporting" is missing \d+ migration\(s\): .*ReportingCaseFacts1764000000400.*Run the migrate step/);
    // The runtime role could not have done it itself: it may not create anything in the schema.
    await expect(query(settings.DATABASE_URL, 'CREATE TABLE reporting.probe (id int)')).rejects.toThrow(/permission denied for schema reporting/);
  });
});
