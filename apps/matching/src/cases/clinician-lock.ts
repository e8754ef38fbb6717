import { EntityManager } from 'typeorm';

/** Marks a transaction's query runner once it holds a clinician lock (see lockClinician). */
const HOLDS_CLINICIAN_LOCK = 'matchingHoldsClinicianLock';

/**
 * A transaction that already holds one clinician's lock found another clinician's lock taken. Thrown
 * instead of waiting, so two batches can never wait on each other; the consumer rolls the batch back
 * and applies its records one per transaction, where each waits for its single lock.
 */
export class ClinicianLockBusyError extends Error {
  constructor() {
    super('another transaction is deciding a clinician of this batch; applying its records one by one');
    this.name = 'ClinicianLockBusyError';
  }
}

/**
 * Serializes every request for one clinician until the caller's transaction ends (transaction-scoped
 * advisory lock), so two requests consumed at once (different identifiers on different partitions, or two
 * replicas) cannot both find no open case and both open one.
 *
 * Deadlock-free by "no hold and wait": the consumer applies a batch of records in one transaction, in
 * partition order, so a transaction could otherwise hold clinician A and wait for B while another holds B
 * and waits for A. Only the first clinician lock of a transaction waits (the transaction holds no other
 * lock then); later ones are only tried.
 */
export async function lockClinician(manager: EntityManager, key: string): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner?.data?.[HOLDS_CLINICIAN_LOCK]) {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
    if (runner) runner.data = { ...runner.data, [HOLDS_CLINICIAN_LOCK]: true };
    return;
  }
  // Re-entrant: a batch holding this very clinician's lock gets it again.
  const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [key]);
  if (!locked) throw new ClinicianLockBusyError();
}
