import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { DrainLoop } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { createTestDatabase, LogCapture, testInfrastructure, testPool, uniqueSuffix, waitFor } from '../support/infrastructure';

/**
 * The LISTEN connection of a drain loop (each outbox relay, the dispatcher, the deadline scheduler) after its
 * connection is terminated, again and again: one connection each time, and NOTIFY still wakes the loop.
 */
describe('drain loop listener after lost database connections', () => {
  const logs = new LogCapture();
  const logger = createLogger('drain-loop-test', 'info', logs.stream);
  let db: Pool;
  /** On the server's own database: the scratch database can refuse connections while this still works. */
  let server: Pool;
  let databaseName: string;
  let dropDatabase: () => Promise<void>;
  let databaseUrl: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    dropDatabase = database.drop;
    databaseName = database.name;
    db = testPool(databaseUrl, 2);
    server = testPool(testInfrastructure().databaseUrl, 2);
  });

  afterAll(async () => {
    await db?.end();
    await server?.end();
    await dropDatabase?.();
  });

  const listenerPids = async (applicationNames: string[]): Promise<number[]> =>
    (await server.query(`SELECT "pid" FROM pg_stat_activity WHERE "datname" = $1 AND "application_name" = ANY($2) ORDER BY "pid"`, [databaseName, applicationNames])).rows.map(
      (row) => row.pid,
    );

  it('keeps one LISTEN connection per loop through repeated terminations, and still wakes on NOTIFY', async () => {
    const suffix = uniqueSuffix();
    const loops = ['relay-a', 'relay-b', 'dispatcher'].map((role) => {
      const name = `leak-${role}-${suffix}`;
      const channel = `harbor_leak_${role.replace('-', '_')}_${suffix}`;
      const counter = { drains: 0 };
      // The poll is far away, so only start, reconnects and NOTIFY can wake the loop.
      const loop = new DrainLoop({ name, databaseUrl, channel, fallbackPollMs: 600_000, work: async () => void counter.drains++ }, logger);
      return { name, channel, counter, loop };
    });
    const names = loops.map((loop) => `harbor-${loop.name}`);
    await Promise.all(loops.map(({ loop }) => loop.start()));
    try {
      let pids = await waitFor(async () => ((await listenerPids(names)).length === 3 ? listenerPids(names) : undefined), 'three listeners');

      for (let round = 1; round <= 4; round++) {
        const terminated = await server.query(`SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "application_name" = ANY($1)`, [names]);
        expect(terminated.rowCount).toBe(3);
        const previous = new Set(pids);
        pids = await waitFor(
          async () => {
            const current = await listenerPids(names);
            return current.length >= 3 && current.every((pid) => !previous.has(pid)) ? current : undefined;
          },
          `round ${round}: every loop to reconnect`,
          15_000,
        );
        // A second reconnect for the same loss (the old bug) would arrive within the same backoff: give it time to show.
        await sleep(1_500);
        expect(await listenerPids(names)).toHaveLength(3);

        for (const state of loops) {
          const before = state.counter.drains;
          await db.query(`NOTIFY ${state.channel}`);
          await waitFor(async () => state.counter.drains > before, `round ${round}: NOTIFY to wake ${state.name}`, 10_000);
        }
      }
      expect(logs.containing('listener lost its connection').length).toBeGreaterThanOrEqual(12);
    } finally {
      await Promise.all(loops.map(({ loop }) => loop.stop()));
    }
    await waitFor(async () => (await listenerPids(names)).length === 0, 'the listeners to close on stop');
  });

  it('retries with backoff while the database refuses connections, then listens again', async () => {
    const suffix = uniqueSuffix();
    const name = `refused-${suffix}`;
    const channel = `harbor_refused_${suffix}`;
    let drains = 0;
    const loop = new DrainLoop({ name, databaseUrl, channel, fallbackPollMs: 600_000, work: async () => void drains++ }, logger);
    await loop.start();
    try {
      await waitFor(async () => (await listenerPids([`harbor-${name}`])).length === 1, 'the listener');
      await server.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
      await server.query(`SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "application_name" = $1`, [`harbor-${name}`]);
      await waitFor(async () => logs.containing(`${name} listener could not reconnect`).length >= 2, 'refused reconnect attempts', 15_000);
      expect(await listenerPids([`harbor-${name}`])).toHaveLength(0);
      await server.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
      await waitFor(async () => (await listenerPids([`harbor-${name}`])).length === 1, 'the listener to come back', 20_000);
      await sleep(1_500);
      expect(await listenerPids([`harbor-${name}`])).toHaveLength(1);
      const before = drains;
      await db.query(`NOTIFY ${channel}`);
      await waitFor(async () => drains > before, 'NOTIFY to wake the loop');
    } finally {
      await server.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
      await loop.stop();
    }
  });
});
