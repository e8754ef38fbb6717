import { DataSource, EntityManager } from 'typeorm';

export type ExclusiveRun<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs a recurring job's `work` in one transaction, only if no other process runs the same job at that moment
 * (a transaction-level advisory lock on the job's name, tried, never waited for). Every replica schedules the
 * job; one of them does it, the others skip that turn.
 */
export async function runExclusively<T>(dataSource: DataSource, job: string, work: (manager: EntityManager) => Promise<T>): Promise<ExclusiveRun<T>> {
  return dataSource.transaction(async (manager) => {
    const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [`harbor-job:${job}`]);
    if (!locked) return { ran: false };
    return { ran: true, result: await work(manager) };
  });
}

/**
 * A purge-like job: `batch` handles at most `batchSize` rows in one exclusive transaction and says how many it
 * handled; batches repeat until one handles fewer. Returns the total (0 when another replica holds the job).
 */
export async function runExclusivelyInBatches(
  dataSource: DataSource,
  job: string,
  batchSize: number,
  batch: (manager: EntityManager) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const run = await runExclusively(dataSource, job, batch);
    if (!run.ran) return total;
    total += run.result;
    if (run.result < batchSize) return total;
  }
}
