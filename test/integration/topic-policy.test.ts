import { ConfigResourceTypes } from 'kafkajs';
import { createKafka, ensureTopics } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, LogCapture, testInfrastructure, uniqueTopicPrefix } from '../support/infrastructure';
import { topicConfigEntries } from '@harbor/contracts';

/** Topic policies declared on events reach the broker: on creation, and on a topic that already existed. */
describe('topic policies on a real broker', () => {
  const prefix = uniqueTopicPrefix();
  const kafka = createKafka('topic-policy-test', { brokers: testInfrastructure().brokers }, createLogger('topic-policy-test', 'warn', new LogCapture().stream));

  async function configOf(topic: string, names: string[]): Promise<Record<string, string>> {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }] });
      return Object.fromEntries(resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]));
    } finally {
      await admin.disconnect();
    }
  }

  it('lets several services create the same topics at once without an error in their logs (a lost race is not an error)', async () => {
    const logs = new LogCapture();
    const topics = Array.from({ length: 6 }, (_, index) => ({ name: `${prefix}race-${index}` }));
    const racers = ['intake', 'matching', 'notification'].map((service) =>
      createKafka(`race-${service}`, { brokers: testInfrastructure().brokers }, createLogger(`race-${service}`, 'debug', logs.stream)));
    await Promise.all(racers.map((racer) => ensureTopics(racer, topics, 1)));
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((name) => name.startsWith(`${prefix}race-`)).sort()).toEqual(topics.map((topic) => topic.name).sort());
    } finally {
      await admin.disconnect();
    }
    const levels = logs.lines.map((line) => JSON.parse(line) as { level: number | string; msg: string });
    // pino's numeric levels: 50 = error. The lost races are still visible at debug.
    expect(levels.filter((line) => line.level === 50 || line.level === 'error').map((line) => line.msg)).toEqual([]);
    expect(levels.some((line) => /^Response CreateTopics/.test(line.msg))).toBe(true);
  });

  it('creates a missing topic with its retention and cleanup policy', async () => {
    const name = `${prefix}compacted.v1`;
    await ensureTopics(kafka, [{ name, config: topicConfigEntries({ cleanupPolicy: 'compact', retentionMs: 3_600_000, segmentMs: 600_000 }) }], 1);
    expect(await configOf(name, ['cleanup.policy', 'retention.ms', 'segment.ms'])).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '3600000', 'segment.ms': '600000' });
  });

  it('brings an existing topic to the declared policy, e.g. a retention shortened by an upgrade', async () => {
    const name = `${prefix}shortened.v1`;
    await ensureTopics(kafka, [{ name }], 1);
    expect((await configOf(name, ['retention.ms']))['retention.ms']).not.toBe('7200000');
    await ensureTopics(kafka, [{ name, config: topicConfigEntries({ retentionMs: 7_200_000 }) }], 1);
    expect((await configOf(name, ['retention.ms']))['retention.ms']).toBe('7200000');
  });
});

/** Where topics are resources of their own (Strimzi KafkaTopic), a service creates none and names what is missing. */
describe('KAFKA_CREATE_TOPICS=false', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: [] });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  async function existingTopics(): Promise<string[]> {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((topic) => topic.startsWith(harbor.topicPrefix));
    } finally {
      await admin.disconnect();
    }
  }

  it('refuses to start while a topic is missing, naming each one, and creates nothing', async () => {
    const kafka = createKafka('topic-check-test', { brokers: testInfrastructure().brokers }, createLogger('topic-check-test', 'warn', new LogCapture().stream));
    await ensureTopics(kafka, [{ name: harbor.topic('cases.lifecycle.v1') }], 1);

    const start = harbor.startReplica('reporting', { env: { KAFKA_CREATE_TOPICS: 'false' } });
    await expect(start).rejects.toThrow(
      /^Kafka topics missing: \S+cases\.lifecycle\.v1\.dlq, \S+debriefs\.lifecycle\.v1, \S+debriefs\.lifecycle\.v1\.dlq, \S+support\.metrics\.v1\. KAFKA_CREATE_TOPICS is off/,
    );
    expect(await existingTopics()).toEqual([harbor.topic('cases.lifecycle.v1')]);

    const missing = ['cases.lifecycle.v1.dlq', 'debriefs.lifecycle.v1', 'debriefs.lifecycle.v1.dlq', 'support.metrics.v1'];
    await ensureTopics(kafka, missing.map((topic) => ({ name: harbor.topic(topic) })), 1);
    const reporting = await harbor.startReplica('reporting', { env: { KAFKA_CREATE_TOPICS: 'false' } });
    await reporting.close();
  });
});
