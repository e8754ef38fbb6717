import { randomUUID } from 'node:crypto';
import { EntityManager, QueryRunner } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { OpenCase } from '../../../apps/matching/src/cases/open-case.usecase';
import { saveClinician } from '../../../apps/matching/src/directory/directory-store';
import { wireOpenCase } from './open-case-wiring';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { AssignmentStore } from '../../../apps/matching/src/cases/assignment-store';
import { DeadlineStore } from '../../../apps/matching/src/cases/deadline-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';
import { recordStatementsSentLater } from '../../support/statements-sent-later';
import { databaseRoundTrips } from '@harbor/persistence';

const EMPLOYEE = 'urn:test:employee';

/**
 * What one opened and offered case costs in statements, in a transaction that applies several (as a consumer's
 * chunk does): every statement delays the chunk's commit and so every event the chunk publishes (issue #16). The
 * figures are this design's (docs/matching.md, "Round trips per opened case"); more statements fail here.
 */
describe('opening a case: statements per case (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let openCase: OpenCase;
  let assignments: AssignmentStore;
  let deadlines: DeadlineStore;

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    const db = database.dataSource;
    let supporters: SupporterStore;
    ({ openCase, supporters, assignments, deadlines } = wireOpenCase(db, database.env, 'matching-round-trips'));

    await db.transaction(async (manager) => {
      for (let index = 0; index < 4; index++) {
        await supporters.save(manager, {
          id: `rt-${index}`, displayName: `Supporter ${index}`, profession: 'Nurse', department: 'ICU', facility: 'north', status: 'active',
          trainingExpiresOn: '2099-12-31', maxOpenCases: 10, channels: [{ kind: 'sms', address: '+15550000001' }], program: 'default',
          languages: ['en'], timeZone: 'UTC', optedOut: false,
        });
      }
      for (let index = 0; index < 5; index++) {
        await saveClinician(manager, randomUUID(), { displayName: `Dr ${index}`, profession: 'physician' }, [{ system: EMPLOYEE, value: `RT-${index}` }]);
      }
    });
  });

  afterAll(async () => {
    await database?.close();
  });

  const request = (clinician: string): SupportRequestedV1 => ({
    requestId: randomUUID(),
    clinician: { system: EMPLOYEE, value: clinician },
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
    facility: 'north',
    requestedAt: new Date().toISOString(),
  } as SupportRequestedV1);

  /**
   * Runs `work` in one transaction and returns the statements it sent (BEGIN and COMMIT left out); `outside` collects
   * those sent on their own connection meanwhile (the capacity holds, each its own short transaction).
   */
  /** Rows of each statement that wrote rows at commit, by table, of the last statementsOf. */
  const rowsWritten = new Map<string, number[]>();

  async function statementsOf(work: (manager: EntityManager) => Promise<unknown>, outside: string[] = []): Promise<string[]> {
    const sent: string[] = [];
    rowsWritten.clear();
    const dataSource = database.dataSource;
    const poolQuery = dataSource.query.bind(dataSource);
    // A manager's queries pass through here too, with its query runner; the pool's own have none.
    dataSource.query = ((sql: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (!runner) outside.push(sql.replace(/\s+/g, ' ').trim());
      return poolQuery(sql, parameters, runner);
    }) as typeof dataSource.query;
    const note = (sql: string, parameters?: unknown[]) => {
      sent.push(sql.replace(/\s+/g, ' ').trim());
      // A write at commit sends one array per column: its rows are the first array's length.
      const table = /^INSERT INTO ("[a-z_]+"\."[a-z_]+") \(.*unnest\(/s.exec(sql)?.[1];
      if (table && Array.isArray(parameters?.[0])) rowsWritten.set(table, [...(rowsWritten.get(table) ?? []), parameters[0].length]);
    };
    let stopRecording: (() => void) | undefined;
    try {
      await dataSource.transaction(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = ((sql: string, parameters?: unknown[]) => {
          note(sql, parameters);
          return query(sql, parameters);
        }) as typeof manager.query;
        // Rows written at commit travel with the transaction's next statement, past manager.query.
        stopRecording = recordStatementsSentLater(manager.queryRunner!, note);
        await work(manager);
      });
    } finally {
      stopRecording?.();
      dataSource.query = poolQuery;
    }
    return sent;
  }

  it('opens and offers a case in 7 statements and 5 round trips, 6 and 4 for the next case of the same transaction and facility; offers, deadlines and the outbox are written once each at commit (18 each before)', async () => {
    const opened: (string | undefined)[] = [];
    const holds: string[] = [];
    const roundTripsBefore = databaseRoundTrips();
    const sent = await statementsOf(async (manager) => {
      opened.push(await openCase.execute(manager, request('RT-0')));
      opened.push(await openCase.execute(manager, request('RT-1')));
    }, holds);
    const roundTrips = databaseRoundTrips() - roundTripsBefore;
    expect(opened.every((id) => id !== undefined)).toBe(true);
    const offers = await database.dataSource.query(`SELECT count(*)::int AS n FROM "matching"."assignments" WHERE "case_id" = ANY($1::uuid[])`, [opened]);
    expect(offers[0].n).toBe(2);
    const clocks = await database.dataSource.query(`SELECT "kind" FROM "matching"."deadlines" WHERE "case_id" = ANY($1::uuid[])`, [opened]);
    expect(clocks).toEqual([{ kind: 'overall' }, { kind: 'overall' }]);
    // The program and its policy are read by the first case only; no case is read back after its INSERT.
    expect(sent.filter((sql) => sql.includes('"program_policies"'))).toHaveLength(1);
    expect(sent.filter((sql) => /^SELECT c\."id", c\."request_id"/.test(sql))).toHaveLength(0);
    // Both cases' events (each case's "requested" and "offered" lifecycle and its offer) reach the outbox in one
    // statement, as the transaction commits; so do both offers and both overall deadlines, each table in one.
    const outboxWrites = sent.filter((sql) => sql.startsWith('INSERT INTO "matching"."outbox"'));
    expect(outboxWrites).toHaveLength(1);
    expect(rowsWritten.get('"matching"."outbox"')).toEqual([6]);
    expect(rowsWritten.get('"matching"."assignments"')).toEqual([2]);
    expect(rowsWritten.get('"matching"."deadlines"')).toEqual([2]);
    // The event's other clinicians come with the prior handling, not in a query of their own.
    expect(sent.filter((sql) => sql.startsWith('SELECT DISTINCT "clinician_id"'))).toHaveLength(0);
    // The directory's answer and the clinician's lock are one statement, the transaction's first lock waited for, the next only tried.
    expect(sent.filter((sql) => sql.startsWith('WITH "resolved" AS')).map((sql) => /pg_(try_)?advisory_xact_lock/.exec(sql)?.[0])).toEqual([
      'pg_advisory_xact_lock', 'pg_try_advisory_xact_lock',
    ]);
    expect(sent).toHaveLength(7 + 6 + 3);
    // The three writes at commit are the transaction's last statements (in the order each table was first deferred to).
    expect(sent.slice(-3).map((sql) => sql.split(' (')[0])).toEqual([
      'INSERT INTO "matching"."outbox"', 'INSERT INTO "matching"."deadlines"', 'INSERT INTO "matching"."assignments"',
    ]);
    // Plus one statement per offer on its own connection: the capacity hold, which the offer's transaction claims.
    expect(holds).toHaveLength(2);
    expect(holds.every((sql) => sql.includes('"matching"."capacity_holds"'))).toBe(true);
    expect(sent.filter((sql) => sql.startsWith('WITH claimed AS (DELETE FROM "matching"."capacity_holds"'))).toHaveLength(2);
    // Round trips (18 before): BEGIN goes with the first statement; each case's INSERT with the candidate query after it,
    // its status UPDATE with the next case's first statement or the COMMIT; the three writes at commit with the COMMIT.
    // Plus the holds, one each.
    expect(roundTrips).toBe(5 + 4 + 1 + holds.length);
  });

  it('lets a later statement of the same transaction see the offers and deadlines still waiting for the commit', async () => {
    let seen: { offered: string[]; cancelled: number; lockedOffers: number } | undefined;
    let caseId: string | undefined;
    const sent = await statementsOf(async (manager) => {
      caseId = await openCase.execute(manager, request('RT-3'));
      // The store writes its pending rows before it reads or changes its table.
      const offered = await assignments.supportersOffered(manager, caseId!);
      const lockedOffers = (await assignments.lockOffered(manager, caseId!)).length;
      const cancelled = await deadlines.cancel(manager, caseId!, ['overall']);
      seen = { offered, cancelled, lockedOffers };
    });
    expect(seen).toEqual({ offered: [expect.stringMatching(/^rt-/)], cancelled: 1, lockedOffers: 1 });
    // Each table's pending row was written once, just before the first statement that needed it, not again at commit.
    expect(sent.filter((sql) => sql.startsWith('INSERT INTO "matching"."assignments"'))).toHaveLength(1);
    expect(sent.filter((sql) => sql.startsWith('INSERT INTO "matching"."deadlines"'))).toHaveLength(1);
    const [clock] = await database.dataSource.query(`SELECT "status" FROM "matching"."deadlines" WHERE "case_id" = $1`, [caseId]);
    expect(clock).toEqual({ status: 'cancelled' });
  });

  it('writes nothing of a rolled-back transaction, and writes at once outside a transaction', async () => {
    let caseId: string | undefined;
    await expect(
      database.dataSource.transaction(async (manager) => {
        caseId = await openCase.execute(manager, request('RT-4'));
        throw new Error('the consumer gives up on this chunk');
      }),
    ).rejects.toThrow('gives up');
    expect(caseId).toBeDefined();
    const [left] = await database.dataSource.query(
      `SELECT (SELECT count(*)::int FROM "matching"."assignments" WHERE "case_id" = $1) AS "offers", (SELECT count(*)::int FROM "matching"."deadlines" WHERE "case_id" = $1) AS "clocks"`,
      [caseId],
    );
    expect(left).toEqual({ offers: 0, clocks: 0 });
    // Outside a transaction (the manager of the pool) the row is there as soon as the call returns.
    const [{ id: existing }] = await database.dataSource.query(`SELECT "id" FROM "matching"."cases" LIMIT 1`);
    await deadlines.schedule(database.dataSource.manager, { kind: 'follow-up', caseId: existing, sequence: 9, dueAt: new Date(Date.now() + 60_000) });
    const [scheduled] = await database.dataSource.query(`SELECT count(*)::int AS n FROM "matching"."deadlines" WHERE "case_id" = $1 AND "sequence" = 9`, [existing]);
    expect(scheduled.n).toBe(1);
  });

  it('still finds a redelivered request handled, in the same statement that looks for an open case', async () => {
    const repeated = request('RT-2');
    await database.dataSource.transaction((manager) => openCase.execute(manager, repeated));
    let again: string | undefined = 'not run';
    const sent = await statementsOf(async (manager) => {
      again = await openCase.execute(manager, repeated);
    });
    expect(again).toBeUndefined();
    // Identifier with the clinician's lock, then "handled before / open case": nothing written.
    expect(sent).toHaveLength(2);
    expect(sent.some((sql) => /^(INSERT|UPDATE|DELETE)/.test(sql))).toBe(false);
  });
});
