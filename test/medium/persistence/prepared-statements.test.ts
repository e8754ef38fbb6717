import { DataSource, QueryRunner } from 'typeorm';
import { createScratchDatabase, createServiceDataSource, ScratchDatabase, statementPreparingClient } from '@harbor/persistence';

const SCHEMA = 'prepared_statements';

/** The statements this connection holds prepared on the server (named ones only, never the unnamed one). */
async function preparedOn(runner: QueryRunner): Promise<string[]> {
  const rows: { statement: string }[] = await runner.query('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time, name');
  return rows.map((row) => row.statement);
}

/**
 * Parameterised statements are prepared once per connection (prepared-statements.ts): the server holds each text
 * once, at most `capacity` of them, results are the same as unprepared, and a statement a migration made stale
 * fails once and is prepared again.
 */
describe('prepared statements per connection', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.HARBOR_TEST_DATABASE_URL!, 'harbor_medium_prepared');
    const setup = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: [] });
    await setup.initialize();
    await setup.query(`CREATE SCHEMA "${SCHEMA}"`);
    await setup.query(`CREATE TABLE "${SCHEMA}"."notes" ("id" int PRIMARY KEY, "label" text NOT NULL)`);
    await setup.query(`INSERT INTO "${SCHEMA}"."notes" VALUES (1, 'one'), (2, 'two')`);
    await setup.destroy();
  });
  // A pool of its own per test: every test starts on connections that hold no prepared statement.
  beforeEach(async () => {
    dataSource = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: [], preparedStatements: 3 });
    await dataSource.initialize();
    runner = dataSource.createQueryRunner();
    await runner.connect();
  });
  afterEach(async () => {
    await runner.release();
    await dataSource.destroy();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('prepares a repeated statement once and returns what an unprepared one would', async () => {
    const sums: number[] = [];
    for (let value = 0; value < 8; value++) sums.push((await runner.query('SELECT $1::int + 1 AS sum', [value]))[0].sum);
    expect(sums).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await preparedOn(runner)).toEqual(['SELECT $1::int + 1 AS sum']);
    // An UPDATE still answers with its rows and count (TypeORM's [rows, count]).
    const [rows, count] = await runner.query(`UPDATE "${SCHEMA}"."notes" SET "label" = "label" WHERE "id" = ANY($1::int[]) RETURNING "id"`, [[1, 2]]);
    expect({ rows, count }).toEqual({ rows: [{ id: 1 }, { id: 2 }], count: 2 });
  });

  it('prepares a statement again once its preparation is older than the maximum age, so its plan is made afresh', async () => {
    const PreparingClient = statementPreparingClient(3, 200);
    const client = new PreparingClient({ connectionString: scratch.url });
    client.on('error', () => undefined);
    await client.connect();
    const names = async () => (await client.query('SELECT name FROM pg_prepared_statements')).rows.map((row: { name: string }) => row.name);
    try {
      const read = `SELECT "label" FROM "${SCHEMA}"."notes" WHERE "id" = $1`;
      for (let run = 0; run < 3; run++) expect((await client.query(read, [1])).rows).toEqual([{ label: 'one' }]);
      const first = await names();
      expect(first).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await client.query(read, [2])).rows).toEqual([{ label: 'two' }]);
      const second = await names();
      // The old preparation is deallocated and a new one, under a new name, planned anew.
      expect(second).toHaveLength(1);
      expect(second[0]).not.toBe(first[0]);
    } finally {
      await client.end();
    }
  });

  it('keeps a statement usable by the queries queued under its old name when it is prepared again', async () => {
    const PreparingClient = statementPreparingClient(3, 200);
    const client = new PreparingClient({ connectionString: scratch.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const read = `SELECT "label" FROM "${SCHEMA}"."notes" WHERE "id" = $1`;
      await client.query(read, [1]);
      await new Promise((resolve) => setTimeout(resolve, 120));
      // The connection is busy for 400 ms; meanwhile one read queues under the current name, and a second one, asked
      // for after the preparation's age passed, prepares the text again under a new name.
      const busy = client.query('SELECT pg_sleep(0.4)');
      const queuedEarlier = client.query(read, [1]);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const askedLater = client.query(read, [2]);
      await busy;
      expect((await queuedEarlier).rows).toEqual([{ label: 'one' }]);
      expect((await askedLater).rows).toEqual([{ label: 'two' }]);
      expect((await client.query(read, [1])).rows).toEqual([{ label: 'one' }]);
    } finally {
      await client.end();
    }
  });

  it('leaves statements without parameters on the simple protocol', async () => {
    await runner.query('SELECT 1');
    await runner.startTransaction();
    await runner.commitTransaction();
    expect(await preparedOn(runner)).toEqual([]);
  });

  it('keeps at most its capacity, deallocating the least recently used', async () => {
    for (const n of [1, 2, 3]) await runner.query(`SELECT $1::int AS v${n}`, [n]);
    await runner.query('SELECT $1::int AS v1', [1]); // v1 used again: v2 is now the least recently used
    await runner.query('SELECT $1::int AS v4', [4]);
    await runner.query('SELECT $1::int AS v5', [5]);
    expect((await preparedOn(runner)).sort()).toEqual(['SELECT $1::int AS v1', 'SELECT $1::int AS v4', 'SELECT $1::int AS v5']);
    // An evicted text is prepared again under a new name and answers as before.
    expect(await runner.query('SELECT $1::int AS v2', [22])).toEqual([{ v2: 22 }]);
  });

  it('fails once on a statement a schema change made stale, then prepares it again', async () => {
    const read = `SELECT * FROM "${SCHEMA}"."notes" WHERE "id" = $1`;
    expect(await runner.query(read, [1])).toEqual([{ id: 1, label: 'one' }]);
    await dataSource.query(`ALTER TABLE "${SCHEMA}"."notes" ADD COLUMN "colour" text`);
    try {
      await expect(runner.query(read, [1])).rejects.toMatchObject({ driverError: { code: '0A000' } });
      expect(await runner.query(read, [1])).toEqual([{ id: 1, label: 'one', colour: null }]);
    } finally {
      await dataSource.query(`ALTER TABLE "${SCHEMA}"."notes" DROP COLUMN "colour"`);
    }
  });

  it('prepares a statement again after the session lost it', async () => {
    expect(await runner.query('SELECT $1::text AS echo', ['a'])).toEqual([{ echo: 'a' }]);
    await runner.query('DEALLOCATE ALL');
    await expect(runner.query('SELECT $1::text AS echo', ['b'])).rejects.toMatchObject({ driverError: { code: '26000' } });
    expect(await runner.query('SELECT $1::text AS echo', ['c'])).toEqual([{ echo: 'c' }]);
  });

  it('survives an eviction inside a failed transaction', async () => {
    for (const n of [1, 2, 3]) await runner.query(`SELECT $1::int AS w${n}`, [n]);
    await runner.startTransaction();
    await expect(runner.query('SELECT $1::int / 0 AS broken', [1])).rejects.toMatchObject({ driverError: { code: '22012' } });
    // The transaction is aborted: this prepares nothing, and the eviction it causes is refused by the server.
    await expect(runner.query('SELECT $1::int AS w4', [4])).rejects.toMatchObject({ driverError: { code: '25P02' } });
    await runner.rollbackTransaction();
    expect(await runner.query('SELECT $1::int AS w4', [4])).toEqual([{ w4: 4 }]);
    expect(await runner.query('SELECT $1::int AS w1', [1])).toEqual([{ w1: 1 }]);
    expect((await preparedOn(runner)).length).toBeLessThanOrEqual(5);
  });

  it('prepares nothing when turned off', async () => {
    const unprepared = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: [], preparedStatements: 0 });
    await unprepared.initialize();
    const other = unprepared.createQueryRunner();
    try {
      for (let value = 0; value < 3; value++) await other.query('SELECT $1::int AS v', [value]);
      expect(await preparedOn(other)).toEqual([]);
    } finally {
      await other.release();
      await unprepared.destroy();
    }
  });
});
