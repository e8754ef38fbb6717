import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Work a transaction queued for its commit, by key so that asking twice queues it once. */
const QUEUED = 'harborAfterCommit';
type Queue = Map<string, () => void>;
/** Work a transaction queued for its rollback. */
const UNDO = 'harborAfterRollback';
type UndoQueue = (() => Promise<unknown>)[];
/** Writes a transaction deferred to its commit, by key (see deferUntilCommit). */
const DEFERRED = 'harborDeferredWrites';
interface DeferredWrites {
  items: unknown[];
  flush: (manager: EntityManager, items: unknown[]) => Promise<void>;
}
type Deferred = Map<string, DeferredWrites>;

const installedOn = new WeakSet<DataSource>();
const wakersOf = new WeakMap<DataSource, Map<string, (() => void)[]>>();
let anonymous = 0;

/**
 * Runs `work` once the caller's transaction commits, and never if it rolls back. Only the outermost commit
 * counts: a savepoint's release leaves the transaction open. Returns false, without running `work`, when
 * the manager is not in a transaction — the caller decides what to do then. `onceKey` makes repeated
 * requests in one transaction run once.
 */
export function afterCommit(manager: EntityManager, work: () => void, onceKey = `work-${++anonymous}`): boolean {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return false;
  installOn(runner.connection);
  const queue: Queue = (runner.data?.[QUEUED] as Queue | undefined) ?? new Map();
  if (!queue.has(onceKey)) queue.set(onceKey, work);
  runner.data = { ...runner.data, [QUEUED]: queue };
  return true;
}

/**
 * Runs `undo` if the caller's transaction rolls back (the outermost transaction, as for afterCommit), before the
 * rollback returns to whoever ran the transaction; never if it commits. For effects made outside the transaction
 * on its behalf (e.g. capacity held in a transaction of its own): a failure of `undo` is ignored, so such effects
 * need a sweep too, for rollbacks that never reach here (a process that died). False outside a transaction.
 */
export function afterRollback(manager: EntityManager, undo: () => Promise<unknown>): boolean {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return false;
  installOn(runner.connection);
  const queue: UndoQueue = (runner.data?.[UNDO] as UndoQueue | undefined) ?? [];
  queue.push(undo);
  runner.data = { ...runner.data, [UNDO]: queue };
  return true;
}

/**
 * Collects `items` for one statement written just before the caller's transaction commits: `flush` gets every item
 * deferred under `key` since the last flush, in order, on the transaction's own manager (so a failed flush fails
 * the commit, and the transaction rolls back). Items deferred inside a savepoint are flushed when it is released
 * and dropped when it rolls back; those before it are flushed as it starts. False, deferring nothing, outside a
 * transaction: the caller writes at once. Lets many calls in one transaction (a consumer's chunk of records)
 * share one INSERT instead of a round trip each.
 */
export function deferUntilCommit<T>(manager: EntityManager, key: string, items: T[], flush: (manager: EntityManager, items: T[]) => Promise<void>): boolean {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return false;
  installOn(runner.connection);
  const deferred: Deferred = (runner.data?.[DEFERRED] as Deferred | undefined) ?? new Map();
  const writes = deferred.get(key) ?? { items: [], flush: flush as DeferredWrites['flush'] };
  writes.items.push(...items);
  deferred.set(key, writes);
  runner.data = { ...runner.data, [DEFERRED]: deferred };
  return true;
}

/**
 * Writes now what the caller's transaction deferred under `key` (nothing when nothing is pending): for a store whose
 * next statement must see its own deferred rows (an UPDATE, a lock or a read of the same table).
 */
export async function writeDeferredNow(manager: EntityManager, key: string): Promise<void> {
  const runner = manager.queryRunner;
  const deferred = runner?.data?.[DEFERRED] as Deferred | undefined;
  const writes = deferred?.get(key);
  if (!runner || !deferred || !writes) return;
  deferred.delete(key);
  if (writes.items.length > 0) await writes.flush(manager, writes.items);
}

/**
 * Asks for `key`'s wake-up (see onCommitRequesting) when the caller's transaction commits. Returns false
 * outside a transaction (then the caller should NOTIFY instead).
 */
export function wakeOnCommit(manager: EntityManager, key: string): boolean {
  const dataSource = manager.queryRunner?.connection;
  return afterCommit(manager, () => dataSource && wakersOf.get(dataSource)?.get(key)?.forEach((wake) => wake()), `wake:${key}`);
}

/**
 * Calls `wake` after each commit of `dataSource` that asked for `key`. In-process wake-ups avoid
 * per-transaction NOTIFY, whose commits Postgres serialises on one global lock (measured: it capped throughput).
 */
export function onCommitRequesting(dataSource: DataSource, key: string, wake: () => void): void {
  const wakers = wakersOf.get(dataSource) ?? new Map<string, (() => void)[]>();
  wakers.set(key, [...(wakers.get(key) ?? []), wake]);
  wakersOf.set(dataSource, wakers);
}

function installOn(dataSource: DataSource): void {
  if (installedOn.has(dataSource)) return;
  installedOn.add(dataSource);
  dataSource.subscribers.push({
    // A savepoint starting: what was deferred before it is written now, so its rollback cannot take it back.
    beforeTransactionStart: async ({ queryRunner }) => {
      if (transactionDepthOf(queryRunner) > 0) await flushDeferred(queryRunner);
      else takeDeferred(queryRunner);
    },
    // TypeORM awaits the promise before COMMIT (or a savepoint's RELEASE); a rejection rolls the transaction back.
    beforeTransactionCommit: ({ queryRunner }) => flushDeferred(queryRunner),
    beforeTransactionRollback: ({ queryRunner }) => {
      takeDeferred(queryRunner);
    },
    afterTransactionCommit: ({ queryRunner }) => {
      if (queryRunner.isTransactionActive) return;
      takeUndo(queryRunner);
      takeQueue(queryRunner).forEach((work) => work());
    },
    // TypeORM awaits a promise a subscriber returns before rollbackTransaction returns.
    afterTransactionRollback: async ({ queryRunner }) => {
      if (queryRunner.isTransactionActive) return;
      takeQueue(queryRunner);
      await Promise.all(takeUndo(queryRunner).map((undo) => undo().catch(() => undefined)));
    },
  });
}

async function flushDeferred(runner: QueryRunner): Promise<void> {
  for (const writes of takeDeferred(runner)) if (writes.items.length > 0) await writes.flush(runner.manager, writes.items);
}

function takeDeferred(runner: QueryRunner): DeferredWrites[] {
  const deferred = runner.data?.[DEFERRED] as Deferred | undefined;
  if (!deferred) return [];
  runner.data = { ...runner.data, [DEFERRED]: undefined };
  return [...deferred.values()];
}

/** How many transactions (the outermost and its savepoints) are open on the runner; TypeORM keeps it protected. */
function transactionDepthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth?: number }).transactionDepth ?? 0;
}

function takeUndo(runner: QueryRunner): UndoQueue {
  const queue = runner.data?.[UNDO] as UndoQueue | undefined;
  if (!queue) return [];
  runner.data = { ...runner.data, [UNDO]: undefined };
  return queue;
}

function takeQueue(runner: QueryRunner): (() => void)[] {
  const queue = runner.data?.[QUEUED] as Queue | undefined;
  if (!queue) return [];
  runner.data = { ...runner.data, [QUEUED]: undefined };
  return [...queue.values()];
}
