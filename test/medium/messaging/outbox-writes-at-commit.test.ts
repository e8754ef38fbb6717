import { randomUUID } from 'node:crypto';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { defineEvent } from '@harbor/contracts';
import { messagingMigrations, OutboxWriter, TopicNames } from '@harbor/messaging';
import { createScratchDatabase, createServiceDataSource, migrateServiceSchema, ScratchDatabase } from '@harbor/persistence';
import { recordStatementsSentLaterByEveryRunner } from '../../support/statements-sent-later';

class NoteV1 {
  @IsUUID()
  id: string;

  @IsString()
  @MaxLength(50)
  label: string;
}

const Note = defineEvent({ type: 'org.harbor.test.note', version: 1, topic: 'notes.v1', payload: NoteV1, key: (note) => note.id, subject: (note) => note.id });
const SCHEMA = 'outbox_at_commit';

/**
 * The outbox writer defers a transaction's rows to just before its commit and writes them in one statement (a
 * consumer's chunk of records: one INSERT for the chunk instead of one per record). What must still hold: rows
 * in the order they were recorded, nothing of a rolled-back transaction or savepoint, a failed write failing the
 * commit, and at once outside a transaction.
 */
describe('outbox rows written at commit', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let outbox: OutboxWriter;
  const inserts: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.HARBOR_TEST_DATABASE_URL!, 'harbor_medium_outbox');
    dataSource = createServiceDataSource({ url: scratch.url, schema: SCHEMA, migrations: messagingMigrations(SCHEMA) });
    await migrateServiceSchema(dataSource, SCHEMA);
    outbox = new OutboxWriter(SCHEMA, 'harbor/test', new TopicNames(''));
    // Counts the statements that write the outbox, whatever runs them.
    const query = dataSource.driver.createQueryRunner.bind(dataSource.driver);
    dataSource.driver.createQueryRunner = (mode) => {
      const runner = query(mode);
      const run = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (sql.startsWith(`INSERT INTO "${SCHEMA}"."outbox"`)) inserts.push(sql);
        return (run as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    };
    // Rows written at commit travel with the COMMIT, past runner.query.
    recordStatementsSentLaterByEveryRunner(dataSource.driver, (sql) => {
      if (sql.startsWith(`INSERT INTO "${SCHEMA}"."outbox"`)) inserts.push(sql);
    });
  });
  beforeEach(async () => {
    inserts.length = 0;
    await dataSource.query(`TRUNCATE "${SCHEMA}"."outbox"`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await scratch.drop();
  });

  const note = (label: string) => ({ id: randomUUID(), label });
  const record = (manager: EntityManager, label: string) => outbox.enqueue(manager, Note, note(label));
  async function outboxLabels(manager: EntityManager = dataSource.manager): Promise<string[]> {
    const rows: { label: string }[] = await manager.query(`SELECT "payload"->>'label' AS "label" FROM "${SCHEMA}"."outbox" ORDER BY "seq"`);
    return rows.map((row) => row.label);
  }

  it("writes a transaction's rows in one statement at its commit, in the order they were recorded", async () => {
    const seenInside = await dataSource.transaction(async (manager) => {
      for (const label of ['first', 'second', 'third']) await record(manager, label);
      await outbox.enqueueAll(manager, []);
      return outboxLabels(manager);
    });
    expect(seenInside).toEqual([]);
    expect(await outboxLabels()).toEqual(['first', 'second', 'third']);
    expect(inserts).toHaveLength(1);
  });

  it('writes nothing for a transaction that rolls back', async () => {
    await expect(dataSource.transaction(async (manager) => {
      await record(manager, 'lost');
      throw new Error('handler failed');
    })).rejects.toThrow('handler failed');
    expect(await outboxLabels()).toEqual([]);
    expect(inserts).toHaveLength(0);
  });

  it('keeps rows of a released savepoint and of the transaction around it, and drops those of a rolled-back one', async () => {
    await dataSource.transaction(async (manager) => {
      await record(manager, 'before');
      await manager.transaction(async (inner) => record(inner, 'released'));
      await expect(manager.transaction(async (inner) => {
        await record(inner, 'rolled-back');
        throw new Error('savepoint failed');
      })).rejects.toThrow('savepoint failed');
      await record(manager, 'after');
    });
    expect(await outboxLabels()).toEqual(['before', 'released', 'after']);
  });

  it('fails the commit when the write fails, and the rest of the transaction with it', async () => {
    await dataSource.query(`CREATE TABLE "${SCHEMA}"."effects" ("label" text)`);
    await dataSource.query(`ALTER TABLE "${SCHEMA}"."outbox" ADD CONSTRAINT "no_poison" CHECK ("payload"->>'label' <> 'poison')`);
    try {
      await expect(dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO "${SCHEMA}"."effects" VALUES ('effect')`);
        await record(manager, 'fine');
        await record(manager, 'poison');
      })).rejects.toThrow('no_poison');
      expect(await outboxLabels()).toEqual([]);
      expect(await dataSource.query(`SELECT * FROM "${SCHEMA}"."effects"`)).toEqual([]);
    } finally {
      await dataSource.query(`ALTER TABLE "${SCHEMA}"."outbox" DROP CONSTRAINT "no_poison"`);
      await dataSource.query(`DROP TABLE "${SCHEMA}"."effects"`);
    }
  });

  it('refuses an invalid event at the call that records it, not at the commit', async () => {
    await expect(dataSource.transaction(async (manager) => {
      await expect(outbox.enqueue(manager, Note, { id: 'not-a-uuid', label: 'bad' })).rejects.toThrow(/id/);
      await record(manager, 'valid');
    })).resolves.toBeUndefined();
    expect(await outboxLabels()).toEqual(['valid']);
  });

  it('writes at once outside a transaction', async () => {
    await record(dataSource.manager, 'alone');
    expect(await outboxLabels()).toEqual(['alone']);
    expect(inserts).toHaveLength(1);
  });

  it('writes a very large transaction in one statement, keeping the order', async () => {
    const labels = Array.from({ length: 2_100 }, (_, index) => `n${index}`);
    await dataSource.transaction((manager) => outbox.enqueueAll(manager, labels.map((label) => ({ definition: Note, payload: note(label) }))));
    expect(await outboxLabels()).toEqual(labels);
    expect(inserts).toHaveLength(1);
  });

  it('sends one statement text whatever the number of rows, so it stays prepared', async () => {
    for (const count of [1, 2, 7]) {
      await dataSource.transaction((manager) => outbox.enqueueAll(manager, Array.from({ length: count }, (_, index) => ({ definition: Note, payload: note(`c${count}-${index}`) }))));
    }
    expect(inserts).toHaveLength(3);
    expect(new Set(inserts).size).toBe(1);
  });

  it('keeps values that an array literal must escape intact', async () => {
    const labels = ['say "hi"', 'back\\slash', '{braces}', 'a,b', 'NULL', '', 'ünï ✓', "it's"];
    await dataSource.transaction(async (manager) => {
      for (const label of labels) await record(manager, label);
    });
    expect(await outboxLabels()).toEqual(labels);
  });
});
