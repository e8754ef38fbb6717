import { DataSource, QueryRunner } from 'typeorm';
import { createScratchDatabase, createServiceDataSource, databaseRoundTrips, postgresClient, ScratchDatabase, sendWithNextStatement } from '@harbor/persistence';

const SCHEMA = 'prepared_statements';

/** The statements this connection holds prepared on the server (named ones only, never the unnamed one). */
async function preparedOn(runner: QueryRunner): Promise<string[]> {
  const rows: { statement: string }[] = await runner.query('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time, name');
  return rows.map((row) => row.statement);
}

/** A scratch database with `table` ("id" int, "label" text) in SCHEMA, holding `rows`. */
async function scratchWithTable(name: string, table: string, rows = ''): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase(process.env.HARBOR_TEST_DATABASE_URL!, name);
  const setup = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: [] });
  await setup.initialize();
  await setup.query(`CREATE SCHEMA "${SCHEMA}"`);
  await setup.query(`CREATE TABLE ${table} ("id" int PRIMARY KEY, "label" text NOT NULL)`);
  if (rows) await setup.query(`INSERT INTO ${table} VALUES ${rows}`);
  await setup.destroy();
  return scratch;
}

/**
 * Parameterised statements are prepared once per connection (postgres-client.ts): the server holds each text
 * once, at most `capacity` of them, results are the same as unprepared, and a statement a migration made stale
 * fails once and is prepared again.
 */
describe('prepared statements per connection', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    scratch = await scratchWithTable('harbor_medium_prepared', `"${SCHEMA}"."notes"`, `(1, 'one'), (2, 'two')`);
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
    const PreparingClient = postgresClient({ preparedStatements: 3, preparedMaxAgeMs: 200 });
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
    const PreparingClient = postgresClient({ preparedStatements: 3, preparedMaxAgeMs: 200 });
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

  it('keeps the preparation a waiting statement will use, however old, so both statements of one text share it', async () => {
    const PreparingClient = postgresClient({ preparedStatements: 3, preparedMaxAgeMs: 200 });
    const client = new PreparingClient({ connectionString: scratch.url }) as InstanceType<typeof PreparingClient> & { sendWithNextStatement(text: string, values: unknown[]): void };
    client.on('error', () => undefined);
    await client.connect();
    const insert = `INSERT INTO "${SCHEMA}"."notes" ("id", "label") VALUES ($1, $2)`;
    try {
      await client.query('START TRANSACTION');
      await client.query(`SELECT count(*) FROM "${SCHEMA}"."notes"`); // the transaction has begun on the server
      client.sendWithNextStatement(insert, [10, 'ten']);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the waiting statement's preparation is now "old"
      await client.query(insert, [11, 'eleven']);
      await client.query('COMMIT');
      expect((await client.query(`SELECT "id" FROM "${SCHEMA}"."notes" WHERE "id" >= 10 ORDER BY "id"`)).rows).toEqual([{ id: 10 }, { id: 11 }]);
    } finally {
      await client.query(`DELETE FROM "${SCHEMA}"."notes" WHERE "id" >= 10`).catch(() => undefined);
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

/**
 * Fewer round trips per transaction (postgres-client.ts): a transaction's BEGIN travels with its first statement, and a
 * write sent with the next statement travels with it; the transaction means the same as when each went on its own.
 */
describe('statements sent together', () => {
  const TABLE = `"${SCHEMA}"."entries"`;
  const INSERT = `INSERT INTO ${TABLE} ("id", "label") SELECT * FROM unnest($1::int[], $2::text[])`;
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await scratchWithTable('harbor_medium_together', TABLE);
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  // Both settings of DATABASE_PREPARED_STATEMENTS: named statements and unnamed ones travel alike.
  describe.each([100, 0])('with %i prepared statements per connection', (preparedStatements) => {
    let dataSource: DataSource;
    beforeEach(async () => {
      dataSource = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: [], preparedStatements, poolSize: 2 });
      await dataSource.initialize();
      await dataSource.query(`TRUNCATE ${TABLE}`);
    });
    afterEach(async () => {
      await dataSource.destroy();
    });
    const labels = async () => ((await dataSource.query(`SELECT "label" FROM ${TABLE} ORDER BY "id"`)) as { label: string }[]).map((row) => row.label);

    it('opens the transaction with its first statement: one round trip fewer, and the statements share one transaction', async () => {
      const before = databaseRoundTrips();
      const stamps = await dataSource.transaction(async (manager) => {
        const [{ first }] = await manager.query('SELECT now() AS first, pg_sleep(0.02)');
        await manager.query(INSERT, [[1], ['one']]);
        const [{ second }] = await manager.query('SELECT now() AS second');
        return { first, second };
      });
      // now() is the transaction's start: equal only when both statements ran in one transaction block.
      expect(stamps.first).toEqual(stamps.second);
      expect(databaseRoundTrips() - before).toBe(4); // three statements and COMMIT; BEGIN travelled with the first
      expect(await labels()).toEqual(['one']);
    });

    it('sends nothing for a transaction that sent no statement', async () => {
      const before = databaseRoundTrips();
      await dataSource.transaction(async () => undefined);
      expect(databaseRoundTrips() - before).toBe(0);
    });

    it('writes a held statement with the COMMIT, in the same round trip', async () => {
      const before = databaseRoundTrips();
      await dataSource.transaction(async (manager) => {
        await manager.query('SELECT 1');
        await sendWithNextStatement(manager, INSERT, [[1, 2], ['one', 'two']]);
      });
      expect(databaseRoundTrips() - before).toBe(2);
      expect(await labels()).toEqual(['one', 'two']);
    });

    it('runs a held statement before the statement it travels with, which sees its rows', async () => {
      const counted = await dataSource.transaction(async (manager) => {
        await sendWithNextStatement(manager, INSERT, [[1], ['one']]);
        await sendWithNextStatement(manager, INSERT, [[2], ['two']]);
        return (await manager.query(`SELECT count(*)::int AS n FROM ${TABLE}`))[0].n;
      });
      expect(counted).toBe(2);
    });

    it('fails the commit with the held statement\'s error and keeps nothing of the transaction', async () => {
      await dataSource.query(INSERT, [[2], ['earlier']]);
      const failed = dataSource.transaction(async (manager) => {
        await manager.query(INSERT, [[1], ['one']]);
        await sendWithNextStatement(manager, INSERT, [[2], ['duplicate']]);
      });
      await expect(failed).rejects.toMatchObject({ driverError: { code: '23505' } });
      expect(await labels()).toEqual(['earlier']);
      // The connection is usable again, and the same held statement, parsed in the failed round trip, works.
      await dataSource.transaction(async (manager) => {
        await sendWithNextStatement(manager, INSERT, [[3], ['three']]);
      });
      await dataSource.transaction(async (manager) => {
        await sendWithNextStatement(manager, INSERT, [[4], ['four']]);
      });
      expect(await labels()).toEqual(['earlier', 'three', 'four']);
    });

    it('drops held statements when the transaction rolls back', async () => {
      const failed = dataSource.transaction(async (manager) => {
        await manager.query(INSERT, [[1], ['one']]);
        await sendWithNextStatement(manager, INSERT, [[2], ['two']]);
        throw new Error('changed its mind');
      });
      await expect(failed).rejects.toThrow('changed its mind');
      expect(await labels()).toEqual([]);
    });

    it('keeps a statement\'s own error when BEGIN travelled with it', async () => {
      const failed = dataSource.transaction(async (manager) => {
        await manager.query('SELECT $1::int / 0 AS broken', [1]);
      });
      await expect(failed).rejects.toMatchObject({ driverError: { code: '22012' } });
      await dataSource.transaction(async (manager) => {
        expect(await manager.query('SELECT $1::int / 1 AS whole', [7])).toEqual([{ whole: 7 }]);
      });
    });

    it('sends several statements in one string after what was waiting, in order, inside the transaction', async () => {
      const timeout = await dataSource.transaction(async (manager) => {
        await sendWithNextStatement(manager, INSERT, [[1], ['one']]);
        await manager.query(`SET LOCAL statement_timeout = 5000; SET LOCAL lock_timeout = 3000`);
        return (await manager.query('SHOW statement_timeout'))[0].statement_timeout;
      });
      // SET LOCAL lasts until the end of its transaction: it ran inside the one the held row was written in.
      expect(timeout).toBe('5s');
      expect((await dataSource.query('SHOW statement_timeout'))[0].statement_timeout).toBe('0');
      expect(await labels()).toEqual(['one']);
    });

    it('sends what was waiting before a savepoint, whose rollback keeps it', async () => {
      await dataSource.transaction(async (manager) => {
        await sendWithNextStatement(manager, INSERT, [[1], ['one']]);
        const runner = manager.queryRunner!;
        await runner.startTransaction(); // a savepoint
        await manager.query(INSERT, [[2], ['two']]);
        await runner.rollbackTransaction(); // back to the savepoint
      });
      expect(await labels()).toEqual(['one']);
    });

    it('drops what waits when a savepoint rolls back, even a statement that would have failed', async () => {
      await dataSource.transaction(async (manager) => {
        await manager.query(INSERT, [[1], ['one']]);
        const runner = manager.queryRunner!;
        await runner.startTransaction(); // a savepoint
        await sendWithNextStatement(manager, INSERT, [[1], ['duplicate']]); // would fail with 23505
        await runner.rollbackTransaction(); // back to the savepoint: nothing of it runs
        await manager.query(INSERT, [[2], ['two']]);
      });
      expect(await labels()).toEqual(['one', 'two']);
    });
  });
});
