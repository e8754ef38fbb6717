/** One partition's offset to commit: the next offset the group should read (the last applied record's offset + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Offsets of applied records that the group has not been told yet, committed at most once per interval.
 *
 * kafkajs commits after every fetched batch; at a steady trickle that is one OffsetCommit request per record per
 * consumer group, which cost the broker and every service more than the records themselves. A record's offset is
 * still noted only after the transaction that applied it committed; committing it later only widens what a crash
 * redelivers, and the idempotent consumer absorbs redelivery. An interval of 0 commits after every chunk.
 */
export class PendingOffsetCommits {
  private readonly pending = new Map<string, PartitionOffset>();
  private lastCommitAt: number;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastCommitAt = clock();
  }

  get isEmpty(): boolean {
    return this.pending.size === 0;
  }

  /** The record at `offset` was applied (its transaction committed, or it was dead-lettered). */
  applied(topic: string, partition: number, offset: string): void {
    this.pending.set(`${topic}\0${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  /** Whether the interval since the last commit has passed (always, with an interval of 0). */
  isDue(): boolean {
    return this.clock() - this.lastCommitAt >= this.intervalMs;
  }

  /** Milliseconds until the next commit is due. */
  dueInMs(): number {
    return Math.max(0, this.intervalMs - (this.clock() - this.lastCommitAt));
  }

  /** Takes what is pending for a commit; give it back with `failed` if the commit is refused. */
  take(): PartitionOffset[] {
    const taken = [...this.pending.values()];
    this.pending.clear();
    this.lastCommitAt = this.clock();
    return taken;
  }

  /** A refused commit's offsets are pending again, unless a later record of the same partition was applied meanwhile. */
  failed(offsets: PartitionOffset[]): void {
    for (const entry of offsets) {
      const key = `${entry.topic}\0${entry.partition}`;
      if (!this.pending.has(key)) this.pending.set(key, entry);
    }
  }

  /** After a rebalance the group reads every kept partition again from its committed offset: nothing noted before is worth sending. */
  forget(): void {
    this.pending.clear();
  }
}

/** The shape kafkajs's consumer group takes for an explicit commit. */
export function asCommitRequest(offsets: PartitionOffset[]): { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] } {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    const partitions = byTopic.get(topic) ?? [];
    partitions.push({ partition, offset });
    byTopic.set(topic, partitions);
  }
  return { topics: [...byTopic.entries()].map(([topic, partitions]) => ({ topic, partitions })) };
}
