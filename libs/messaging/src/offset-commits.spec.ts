import { asCommitRequest, PendingOffsetCommits } from './offset-commits';

describe('PendingOffsetCommits', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('keeps the next offset to read per partition, the latest applied record winning', () => {
    const pending = new PendingOffsetCommits(1_000, clock);
    pending.applied('t', 0, '4');
    pending.applied('t', 0, '9');
    pending.applied('t', 1, '2');
    pending.applied('u', 0, '99999999999999999');
    expect(pending.take()).toEqual([
      { topic: 't', partition: 0, offset: '10' },
      { topic: 't', partition: 1, offset: '3' },
      { topic: 'u', partition: 0, offset: '100000000000000000' },
    ]);
    expect(pending.isEmpty).toBe(true);
  });

  it('is due once the interval has passed since the last commit, and always with an interval of 0', () => {
    const pending = new PendingOffsetCommits(1_000, clock);
    pending.applied('t', 0, '1');
    expect(pending.isDue()).toBe(false);
    now += 400;
    expect(pending.dueInMs()).toBe(600);
    now += 600;
    expect(pending.isDue()).toBe(true);
    pending.take();
    expect(pending.isDue()).toBe(false);
    expect(new PendingOffsetCommits(0, clock).isDue()).toBe(true);
  });

  it('gives a refused commit back, unless a later record of the partition was applied meanwhile', () => {
    const pending = new PendingOffsetCommits(1_000, clock);
    pending.applied('t', 0, '4');
    pending.applied('t', 1, '7');
    const refused = pending.take();
    pending.applied('t', 0, '5');
    pending.failed(refused);
    expect(pending.take()).toEqual([
      { topic: 't', partition: 0, offset: '6' },
      { topic: 't', partition: 1, offset: '8' },
    ]);
  });

  it('forgets everything after a rebalance', () => {
    const pending = new PendingOffsetCommits(1_000, clock);
    pending.applied('t', 0, '4');
    pending.forget();
    expect(pending.isEmpty).toBe(true);
    expect(pending.take()).toEqual([]);
  });

  it('groups offsets by topic in the shape of a kafkajs commit', () => {
    expect(asCommitRequest([
      { topic: 't', partition: 0, offset: '6' },
      { topic: 'u', partition: 2, offset: '1' },
      { topic: 't', partition: 1, offset: '8' },
    ])).toEqual({ topics: [
      { topic: 't', partitions: [{ partition: 0, offset: '6' }, { partition: 1, offset: '8' }] },
      { topic: 'u', partitions: [{ partition: 2, offset: '1' }] },
    ] });
  });
});
