import { EntityManager } from 'typeorm';

/** Where a transaction keeps what it read once (on its query runner, which lives as long as the transaction). */
const READ_ONCE = 'harborReadOncePerTransaction';

/**
 * `read()` once per transaction and key; a copy each time, so a caller changing the object changes nobody else's.
 * For settings read on every record of a consumer's chunk (a program's policy): the chunk decides by what was in
 * force when its transaction first read it, as if it had been applied a moment earlier. Outside a transaction
 * (no query runner), every call reads. Keys are the caller's: prefix them with the table they stand for.
 */
export async function readOncePerTransaction<T extends object>(manager: EntityManager, key: string, read: () => Promise<T>): Promise<T> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return read();
  const cache = (runner.data?.[READ_ONCE] as Map<string, Promise<T>> | undefined) ?? new Map<string, Promise<T>>();
  runner.data = { ...runner.data, [READ_ONCE]: cache };
  let pending = cache.get(key);
  if (!pending) {
    pending = read();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return structuredClone(await pending);
}
