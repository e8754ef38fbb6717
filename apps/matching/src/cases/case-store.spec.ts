import { EntityManager } from 'typeorm';
import { CaseStore, ClinicianLockBusyError } from './case-store';

/** Locks an identifier the directory does not know, so the lock's key is `key` itself. */
const lockClinician = (manager: EntityManager, key: string) =>
  new CaseStore().resolveAndLockClinician(manager, { system: 'urn:test:employee', value: key }, { resolvedPrefix: 'matching:clinician:', unresolved: key });

/** A transaction's manager that records the lock statements (with the key they fall back to) and answers try-locks as told. */
function fakeTransaction(tryLockAnswers: boolean[] = []) {
  const statements: { sql: string; key: unknown }[] = [];
  const manager = {
    queryRunner: { data: {} },
    query: async (sql: string, params: unknown[]) => {
      statements.push({ sql, key: params[params.length - 1] });
      return sql.includes('pg_try_advisory_xact_lock') ? [{ locked: tryLockAnswers.shift() ?? true }] : [{}];
    },
  } as unknown as EntityManager;
  const kinds = () => statements.map(({ sql, key }) => [sql.includes('pg_try_') ? 'try' : 'wait', key]);
  return { manager, kinds };
}

describe('CaseStore.resolveAndLockClinician', () => {
  it('waits for the first clinician lock of a transaction', async () => {
    const { manager, kinds } = fakeTransaction();
    await lockClinician(manager, 'matching:clinician:a');
    expect(kinds()).toEqual([['wait', 'matching:clinician:a']]);
  });

  it('only tries later locks of the same transaction (a batch), so it never waits while holding one', async () => {
    const { manager, kinds } = fakeTransaction([true, true]);
    await lockClinician(manager, 'matching:clinician:a');
    await lockClinician(manager, 'matching:clinician:b');
    await lockClinician(manager, 'matching:clinician:a');
    expect(kinds()).toEqual([['wait', 'matching:clinician:a'], ['try', 'matching:clinician:b'], ['try', 'matching:clinician:a']]);
  });

  it('gives up when a later lock is held elsewhere, so the consumer applies the batch record by record', async () => {
    const { manager } = fakeTransaction([false]);
    await lockClinician(manager, 'matching:clinician:a');
    await expect(lockClinician(manager, 'matching:clinician:b')).rejects.toBeInstanceOf(ClinicianLockBusyError);
  });

  it('a new transaction waits again for its first lock', async () => {
    const first = fakeTransaction();
    const second = fakeTransaction();
    await lockClinician(first.manager, 'matching:clinician:a');
    await lockClinician(second.manager, 'matching:clinician:b');
    expect(second.kinds()).toEqual([['wait', 'matching:clinician:b']]);
  });
});
