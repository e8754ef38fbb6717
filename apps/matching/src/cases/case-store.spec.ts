import { EntityManager } from 'typeorm';
import { CaseStore, ClinicianLockBusyError } from './case-store';

/** Locks an identifier the directory does not know, so the clinician lock's key is `key` itself, and event `event`'s lock. */
const lockClinician = (manager: EntityManager, key: string, event = 'evt-1') =>
  new CaseStore().resolveAndLockClinician(manager, { system: 'urn:test:employee', value: key }, { resolvedPrefix: 'matching:clinician:', unresolved: key }, event);

/**
 * A transaction's manager that records the lock statements (with the clinician key they fall back to and the event
 * lock's key) and answers try-locks as told: each answer is [clinician lock taken, event lock taken].
 */
function fakeTransaction(tryLockAnswers: [boolean, boolean][] = []) {
  const statements: { sql: string; key: unknown; event: unknown }[] = [];
  const manager = {
    queryRunner: { data: {} },
    query: async (sql: string, params: unknown[]) => {
      statements.push({ sql, key: params[params.length - 2], event: params[params.length - 1] });
      if (!sql.includes('pg_try_advisory_xact_lock')) return [{}];
      const [locked, eventLocked] = tryLockAnswers.shift() ?? [true, true];
      return [{ locked, event_locked: eventLocked }];
    },
  } as unknown as EntityManager;
  const kinds = () => statements.map(({ sql, key, event }) => [sql.includes('pg_try_') ? 'try' : 'wait', key, event]);
  const locksPerStatement = () => statements.map(({ sql }) => (sql.match(/pg_(try_)?advisory_xact_lock/g) ?? []).length);
  return { manager, kinds, locksPerStatement };
}

describe('CaseStore.resolveAndLockClinician', () => {
  it("waits for the first clinician lock of a transaction and its event's lock, in one statement", async () => {
    const { manager, kinds, locksPerStatement } = fakeTransaction();
    await lockClinician(manager, 'matching:clinician:a');
    expect(kinds()).toEqual([['wait', 'matching:clinician:a', 'matching:event:evt-1']]);
    expect(locksPerStatement()).toEqual([2]);
  });

  it('only tries later locks of the same transaction (a batch), so it never waits while holding one', async () => {
    const { manager, kinds } = fakeTransaction();
    await lockClinician(manager, 'matching:clinician:a');
    await lockClinician(manager, 'matching:clinician:b', 'evt-2');
    await lockClinician(manager, 'matching:clinician:a');
    expect(kinds()).toEqual([
      ['wait', 'matching:clinician:a', 'matching:event:evt-1'],
      ['try', 'matching:clinician:b', 'matching:event:evt-2'],
      ['try', 'matching:clinician:a', 'matching:event:evt-1'],
    ]);
  });

  it('gives up when a later clinician lock is held elsewhere, so the consumer applies the batch record by record', async () => {
    const { manager } = fakeTransaction([[false, true]]);
    await lockClinician(manager, 'matching:clinician:a');
    await expect(lockClinician(manager, 'matching:clinician:b')).rejects.toBeInstanceOf(ClinicianLockBusyError);
  });

  it("gives up when a later event's lock is held elsewhere, though the clinician's was free", async () => {
    const { manager } = fakeTransaction([[true, false]]);
    await lockClinician(manager, 'matching:clinician:a');
    await expect(lockClinician(manager, 'matching:clinician:b', 'evt-2')).rejects.toBeInstanceOf(ClinicianLockBusyError);
  });

  it('a new transaction waits again for its first locks', async () => {
    const first = fakeTransaction();
    const second = fakeTransaction();
    await lockClinician(first.manager, 'matching:clinician:a');
    await lockClinician(second.manager, 'matching:clinician:b');
    expect(second.kinds()).toEqual([['wait', 'matching:clinician:b', 'matching:event:evt-1']]);
  });
});
