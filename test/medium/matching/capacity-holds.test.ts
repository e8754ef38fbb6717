import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { careFilter } from '../../../apps/matching/src/cases/candidate-pool';
import { OpenCase } from '../../../apps/matching/src/cases/open-case.usecase';
import { saveClinician } from '../../../apps/matching/src/directory/directory-store';
import { wireOpenCase } from './open-case-wiring';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { defaultPolicy } from '../../../apps/matching/src/matching.settings';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const EMPLOYEE = 'urn:test:holds';

/**
 * Capacity for an offer is taken in its own short transaction (a hold) and claimed by the offer's transaction
 * (docs/matching.md, "Concurrent decisions"): the supporter's row is not locked while the offer's transaction, or
 * the consumer's batch, runs; capacity is never over-booked; and a hold whose transaction never commits is given back.
 */
describe('capacity holds (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let supporters: SupporterStore;
  let openCase: OpenCase;
  const policy = () => defaultPolicy(database.env);

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    ({ openCase, supporters } = wireOpenCase(database.dataSource, database.env, 'matching-holds'));
  });

  afterAll(async () => {
    await database?.close();
  });

  async function supporter(id: string, maxOpenCases = 5) {
    await database.dataSource.transaction((manager) => supporters.save(manager, {
      id, displayName: id, profession: 'Nurse', department: 'ICU', facility: 'north', status: 'active',
      trainingExpiresOn: '2099-12-31', maxOpenCases, channels: [{ kind: 'sms', address: '+15550000001' }], program: 'default',
      languages: ['en'], timeZone: 'UTC', optedOut: false,
    }));
  }

  async function load(id: string): Promise<{ open: number; month: number }> {
    const [row] = await database.dataSource.query(`SELECT "open_cases", "cases_in_month" FROM "matching"."supporters" WHERE "id" = $1`, [id]);
    return { open: Number(row.open_cases), month: Number(row.cases_in_month) };
  }

  const holdsOf = async (id: string) =>
    Number((await database.dataSource.query(`SELECT count(*) AS n FROM "matching"."capacity_holds" WHERE "supporter_id" = $1`, [id]))[0].n);

  const request = (clinician: string): SupportRequestedV1 => ({
    requestId: randomUUID(),
    clinician: { system: EMPLOYEE, value: clinician },
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'moderate', occurredAt: new Date().toISOString() },
    facility: 'north',
    requestedAt: new Date().toISOString(),
  } as SupportRequestedV1);

  async function clinician(value: string) {
    await database.dataSource.transaction((manager) => saveClinician(manager, randomUUID(), { displayName: value, profession: 'physician' }, [{ system: EMPLOYEE, value }]));
  }

  it('does not keep the offered supporter locked while the offer\'s transaction is still running', async () => {
    await supporter('open-row'); // the only supporter so far
    await clinician('H-1');
    let lockedElsewhere: unknown = 'not tried';
    await database.dataSource.transaction(async (manager) => {
      expect(await openCase.execute(manager, request('H-1'))).toBeDefined();
      // Another decision, while this transaction (a consumer's batch, say) has not committed yet.
      lockedElsewhere = await database.dataSource.transaction((other) =>
        other.query(`SELECT "id" FROM "matching"."supporters" WHERE "id" = 'open-row' FOR NO KEY UPDATE NOWAIT`).then(() => false, (error: Error) => error.message));
    });
    expect(lockedElsewhere).toBe(false);
    expect(await load('open-row')).toMatchObject({ open: 1 });
    expect(await holdsOf('open-row')).toBe(0); // claimed by the offer's transaction
  });

  it('a decision whose transaction rolls back gives its capacity back before the rollback returns', async () => {
    await supporter('undone');
    await database.dataSource.query(`UPDATE "matching"."supporters" SET "status" = 'inactive' WHERE "id" <> 'undone'`);
    await clinician('H-2');
    await clinician('H-3');
    await expect(database.dataSource.transaction(async (manager) => {
      expect(await openCase.execute(manager, request('H-2'))).toBeDefined();
      expect(await openCase.execute(manager, request('H-3'))).toBeDefined();
      expect(await load('undone')).toMatchObject({ open: 2 }); // held, committed outside this transaction
      throw new Error('a later record of the batch failed');
    })).rejects.toThrow('later record');
    expect(await load('undone')).toMatchObject({ open: 0 });
    expect(await holdsOf('undone')).toBe(0);
    // Committed decisions are not undone.
    await database.dataSource.transaction((manager) => openCase.execute(manager, request('H-2')));
    expect(await load('undone')).toMatchObject({ open: 1 });
    await database.dataSource.query(`UPDATE "matching"."supporters" SET "status" = 'active'`);
  });

  it('never holds more than a supporter\'s capacity, however many decisions hold at once', async () => {
    await supporter('cap-2', 2);
    const care = careFilter(policy(), new Date());
    const holds = await Promise.all(Array.from({ length: 8 }, () => supporters.holdFirstFree(['cap-2'], randomUUID(), care)));
    expect(holds.filter(Boolean)).toHaveLength(2);
    expect(await load('cap-2')).toMatchObject({ open: 2 });
    expect(await holdsOf('cap-2')).toBe(2);
  });

  it('gives back the capacity of a hold whose offer never committed, and the month\'s count with it', async () => {
    await supporter('rolled-back');
    const before = await load('rolled-back');
    const care = careFilter({ ...policy(), monthlyCaseCap: 4 }, new Date());
    const holdId = randomUUID();
    await expect(database.dataSource.transaction(async (manager) => {
      expect(await supporters.holdFirstFree(['rolled-back'], holdId, care)).toBeDefined();
      expect(await supporters.claimHold(manager, holdId)).toBe(true);
      throw new Error('the process died before commit');
    })).rejects.toThrow('died');
    expect(await load('rolled-back')).toEqual({ open: before.open + 1, month: before.month + 1 });
    expect(await holdsOf('rolled-back')).toBe(1);

    expect(await supporters.releaseAbandonedHolds(0)).toBeGreaterThanOrEqual(1);
    expect(await load('rolled-back')).toEqual(before);
    expect(await holdsOf('rolled-back')).toBe(0);
  });

  it('leaves alone a hold that a running transaction is claiming, and a committed claim keeps its capacity', async () => {
    await supporter('claiming');
    const holdId = randomUUID();
    expect(await supporters.holdFirstFree(['claiming'], holdId)).toBeDefined();
    let releasedMeanwhile = -1;
    await database.dataSource.transaction(async (manager) => {
      expect(await supporters.claimHold(manager, holdId)).toBe(true);
      releasedMeanwhile = await supporters.releaseAbandonedHolds(0);
    });
    expect(releasedMeanwhile).toBe(0);
    expect(await supporters.releaseAbandonedHolds(0)).toBe(0);
    expect(await load('claiming')).toMatchObject({ open: 1 });
  });

  it('keeps young holds (their claim is one statement away) until they are old enough', async () => {
    await supporter('young');
    expect(await supporters.holdFirstFree(['young'], randomUUID())).toBeDefined();
    expect(await supporters.releaseAbandonedHolds(60)).toBe(0);
    expect(await holdsOf('young')).toBe(1);
  });

  it('a hold the sweep has released cannot be claimed: the decision is taken again', async () => {
    await supporter('swept');
    const holdId = randomUUID();
    expect(await supporters.holdFirstFree(['swept'], holdId)).toBeDefined();
    await supporters.releaseAbandonedHolds(0);
    const claimed = await database.dataSource.transaction((manager) => supporters.claimHold(manager, holdId));
    expect(claimed).toBe(false);
    expect(await load('swept')).toMatchObject({ open: 0 });
  });

  it('commits a hold without waiting for its WAL flush (its own transaction only): the durable offer commit flushes it', async () => {
    await supporter('asynchronous');
    // The hold's statement, run inside a transaction of the test's so its setting can be read before the commit.
    const runner = database.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [configured] = await runner.query(`SHOW synchronous_commit`);
      await runner.startTransaction();
      const inTransaction = new SupporterStore(runner.manager as unknown as DataSource);
      expect(await inTransaction.holdFirstFree(['asynchronous'], randomUUID())).toBeDefined();
      expect(await runner.query(`SHOW synchronous_commit`)).toEqual([{ synchronous_commit: 'off' }]);
      await runner.commitTransaction();
      // A transaction's own setting: the connection's next transaction commits durably again.
      await runner.startTransaction();
      expect(await runner.query(`SHOW synchronous_commit`)).toEqual([configured]);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await holdsOf('asynchronous')).toBe(1);
  });
});
