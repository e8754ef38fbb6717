import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, readTopic, testInfrastructure, waitFor } from '../support/infrastructure';

// The on-call tool from docs/operations.md, against real dead letters written by a running intake.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { replayDeadLetters, kafkaFromEnv } = require('../../scripts/ops/replay-dlq.js');

async function endOffsets(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('scripts/ops/replay-dlq.js', () => {
  let harbor: HarborHarness;
  const kafka = () => kafkaFromEnv({ KAFKA_BROKERS: testInfrastructure().brokers.join(',') });

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'] });
    const producer = kafkaClient().producer();
    await producer.connect();
    await producer.send({
      topic: harbor.topic('incidents.reported.v1'),
      messages: [
        { key: 'rl-datix|bad-json', value: 'not json', headers: { ce_id: 'id-malformed', correlation_id: 'corr-1' } },
        { key: 'rl-datix|unknown-type', value: '{}', headers: { ce_id: 'id-unknown', ce_type: 'org.harbor.incident.reported.v9', correlation_id: 'corr-2' } },
      ],
    });
    await producer.disconnect();
    // Generous: the consumer group's first join can take long on a loaded machine.
    await waitFor(async () => (await endOffsets(harbor.topic('incidents.reported.v1.dlq'))) === 2, 'two dead letters', 75_000);
    const admin = kafkaClient().admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: harbor.topic('replay-target'), numPartitions: 1 }] });
    await admin.disconnect();
  }, 120_000);

  afterAll(async () => harbor?.stop());

  it('puts a record back with its key, kept value and original envelope headers, without the dlq_* headers', async () => {
    const { replayed } = await replayDeadLetters({ kafka: kafka(), dlq: harbor.topic('incidents.reported.v1.dlq'), to: harbor.topic('replay-target'), errorClass: 'UnknownEventTypeError' });
    expect(replayed).toEqual([expect.objectContaining({ target: harbor.topic('replay-target'), ceId: 'id-unknown', errorClass: 'UnknownEventTypeError' })]);
    const [record] = await readTopic(harbor.topic('replay-target'), 1);
    expect(record.key!.toString()).toBe('rl-datix|unknown-type');
    expect(JSON.parse(record.value!.toString())).toEqual({});
    expect(Object.fromEntries(Object.entries(record.headers!).map(([name, value]) => [name, value!.toString()]))).toEqual({
      ce_id: 'id-unknown', ce_type: 'org.harbor.incident.reported.v9', correlation_id: 'corr-2',
    });
  });

  it('skips an inbound record whose value the DLQ did not keep, and names its digest for the source', async () => {
    const { replayed, skipped } = await replayDeadLetters({ kafka: kafka(), dlq: harbor.topic('incidents.reported.v1.dlq'), to: harbor.topic('replay-target'), errorClass: 'MalformedMessageError' });
    expect(replayed).toEqual([]);
    expect(skipped).toEqual([expect.objectContaining({ ceId: 'id-malformed', digest: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(await endOffsets(harbor.topic('replay-target'))).toBe(1);
  });

  it('--dry-run lists what it would replay and sends nothing', async () => {
    const { replayed, skipped } = await replayDeadLetters({ kafka: kafka(), dlq: harbor.topic('incidents.reported.v1.dlq'), to: harbor.topic('replay-target'), dryRun: true });
    expect(replayed.map((entry: { ceId: string }) => entry.ceId)).toEqual(['id-unknown']);
    expect(skipped.map((entry: { ceId: string }) => entry.ceId)).toEqual(['id-malformed']);
    expect(await endOffsets(harbor.topic('replay-target'))).toBe(1);
  });

  it('by default replays to dlq_source_topic, one record by partition and offset; a record that still fails comes back with fresh dlq_* headers', async () => {
    const { replayed: [unknown] } = await replayDeadLetters({ kafka: kafka(), dlq: harbor.topic('incidents.reported.v1.dlq'), errorClass: 'UnknownEventTypeError', dryRun: true });
    const { replayed } = await replayDeadLetters({ kafka: kafka(), dlq: harbor.topic('incidents.reported.v1.dlq'), partition: unknown.partition, offset: unknown.offset });
    expect(replayed).toEqual([expect.objectContaining({ target: harbor.topic('incidents.reported.v1'), ceId: 'id-unknown' })]);
    await waitFor(async () => (await endOffsets(harbor.topic('incidents.reported.v1.dlq'))) === 3, 'the replayed record dead-lettered again', 45_000);
    const unknowns = (await readTopic(harbor.topic('incidents.reported.v1.dlq'), 3)).filter((record) => record.headers!.ce_id!.toString() === 'id-unknown');
    expect(unknowns).toHaveLength(2);
    // The replay is a new record on the source topic: a new source offset, the same event id.
    expect(new Set(unknowns.map((record) => record.headers!.dlq_source_offset!.toString())).size).toBe(2);
    const again = unknowns[1];
    expect(again?.headers!.dlq_error_class!.toString()).toBe('UnknownEventTypeError');
    expect(again?.headers!.dlq_source_topic!.toString()).toBe(harbor.topic('incidents.reported.v1'));
  });
});
