// Provides the integration tier with a real Kafka broker and a real Postgres server:
// KAFKA_BROKERS / DATABASE_URL when set; otherwise a Kafka container when a container runtime answers;
// otherwise the same local Kafka that `npm start` runs. Test files isolate themselves (see harness.ts).
'use strict';
const { ensureLocalKafka } = require('../../scripts/stack/local-kafka');
const { checkPostgres, DEFAULT_DATABASE_URL } = require('../../scripts/stack/postgres-check');

const KAFKA_IMAGE = 'apache/kafka:4.1.1';

async function kafkaFromContainerRuntime() {
  let testcontainers;
  try {
    testcontainers = require('testcontainers');
    await testcontainers.getContainerRuntimeClient();
  } catch {
    return undefined; // no container runtime here
  }
  const { GenericContainer, Wait } = testcontainers;
  // The broker must advertise the host port clients use, so pick a free one before starting.
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { brokers: `127.0.0.1:${port}`, stop: () => container.stop() };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = require('node:net').createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = async function globalSetup() {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  await checkPostgres(databaseUrl, 'The integration tests');
  process.env.HARBOR_TEST_DATABASE_URL = databaseUrl;

  if (process.env.KAFKA_BROKERS) {
    process.env.HARBOR_TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS;
    return;
  }
  const container = await kafkaFromContainerRuntime();
  if (container) {
    process.env.HARBOR_TEST_KAFKA_BROKERS = container.brokers;
    globalThis.__harborStopKafka = container.stop;
    return;
  }
  const kafka = await ensureLocalKafka({ brokers: '127.0.0.1:9092' });
  process.env.HARBOR_TEST_KAFKA_BROKERS = kafka.brokers;
  if (kafka.started) globalThis.__harborKafkaPidFile = kafka.pidFile;
};
