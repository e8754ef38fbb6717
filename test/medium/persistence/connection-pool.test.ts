import { DataSource } from 'typeorm';
import { createScratchDatabase, createServiceDataSource, ScratchDatabase } from '@harbor/persistence';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server process behind the pool's next connection. */
const backendPid = async (dataSource: DataSource): Promise<number> => (await dataSource.query('SELECT pg_backend_pid() AS pid'))[0].pid;

/**
 * A service's pool keeps its connections through lulls (DATABASE_POOL_IDLE_SECONDS): each new connection is a new
 * Postgres backend that warms its caches and prepares its statements again.
 */
describe('the service connection pool', () => {
  let scratch: ScratchDatabase;
  const pools: DataSource[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.HARBOR_TEST_DATABASE_URL!, 'harbor_medium_pool');
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
    await scratch?.drop();
  });

  async function pool(poolIdleSeconds?: number): Promise<DataSource> {
    const dataSource = createServiceDataSource({ url: scratch.url, schema: 'public', migrations: [], poolSize: 1, poolIdleSeconds });
    pools.push(dataSource);
    await dataSource.initialize();
    return dataSource;
  }

  it('keeps an idle connection for the idle time it is given (300 s unless told), and closes it after', async () => {
    const kept = await pool();
    const short = await pool(1);
    expect(kept.options.extra).toMatchObject({ idleTimeoutMillis: 300_000, max: 1 });
    const [keptPid, shortPid] = [await backendPid(kept), await backendPid(short)];
    await sleep(2_500);
    expect(await backendPid(kept)).toBe(keptPid);
    expect(await backendPid(short)).not.toBe(shortPid);
  });

  it('never closes idle connections with 0', async () => {
    expect((await pool(0)).options.extra).toMatchObject({ idleTimeoutMillis: 0 });
  });
});
