import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { createServiceApp } from '@harbor/service-runtime';
import { ConsoleEnv } from '../../apps/console/src/console.env';
import { ConsoleModule } from '../../apps/console/src/console.module';
import { createTestDatabase } from '../support/infrastructure';
import { servedRoutes } from '../support/served-routes';

/** The console rows of the README's route table, plus the "all" rows, as `METHOD /path`. */
function readmeConsoleRoutes(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## HTTP routes');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const routes: string[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !/^(GET|POST|PUT|PATCH|DELETE)$/.test(cells[1]) || !['console', 'all'].includes(cells[3])) continue;
    for (const [, path] of cells[2].matchAll(/`([^`]+)`/g)) routes.push(`${cells[1]} ${path.split('?')[0]}`);
  }
  return routes.sort();
}

/**
 * The console as the other services are checked: the README's route table lists exactly what it serves, and it
 * starts without Kafka (messaging: false) with its sessions table migrated into its own schema.
 */
describe('console routes', () => {
  let app: INestApplication;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const env = loadConfig(ConsoleEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: '127.0.0.1:1', HTTP_PORT: '0', METRICS_PORT: '0' });
    const logger = createLogger('console', 'silent');
    app = await createServiceApp(ConsoleModule.forRoot(env, logger), { host: '127.0.0.1', port: 0 }, logger);
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('serves exactly the routes the README lists for it', () => {
    expect(servedRoutes(app).sort()).toEqual(readmeConsoleRoutes());
  });

  it('is ready without Kafka, and keeps pages behind the session', async () => {
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'up', kafkaProducer: 'none', kafkaConsumer: 'none' } });
    for (const path of ['/cases', '/roster', '/triage', '/settings', '/recognition', '/debriefs']) {
      const response = await fetch(`${url}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status, location: response.headers.get('location') }).toEqual({ path, status: 303, location: `/auth/login?returnTo=${encodeURIComponent(path)}` });
    }
    const forged = await fetch(`${url}/roster/x/pause`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=x' });
    expect(forged.status).toBe(303);
  });
});
