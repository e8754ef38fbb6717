// A real single-node Apache Kafka (KRaft mode) for local runs and tests, built from Apache Kafka's
// artifacts on Maven Central. Jars are fetched once with Maven into .cache/kafka/<version>/libs.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
/** Pinned broker version: the newest 4.x line that kafkajs 2.2.4 was verified against (see README). */
const KAFKA_VERSION = '4.4.0';
const POM = path.join(ROOT, 'deploy', 'local-kafka', 'pom.xml');
const LOG_CONFIG = path.join(ROOT, 'deploy', 'local-kafka', 'log4j2.properties');
const LIBS = path.join(ROOT, '.cache', 'kafka', KAFKA_VERSION, 'libs');

function log(message) {
  process.stderr.write(`[local-kafka] ${message}\n`);
}

/** Downloads the broker jars with Maven unless they are cached already. */
function ensureKafkaJars() {
  const marker = path.join(LIBS, `kafka_2.13-${KAFKA_VERSION}.jar`);
  if (fs.existsSync(marker)) return LIBS;
  log(`fetching Apache Kafka ${KAFKA_VERSION} from Maven Central (first run only)…`);
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies', `-Dkafka.version=${KAFKA_VERSION}`, '-DincludeScope=runtime', `-DoutputDirectory=${LIBS}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.error) throw new Error(`could not run Maven (mvn): ${result.error.message}`);
  if (result.status !== 0 || !fs.existsSync(marker)) throw new Error(`Maven could not fetch org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (exit ${result.status})`);
  return LIBS;
}

function parseBroker(brokers) {
  const [host, port] = brokers.split(',')[0].trim().split(':');
  return { host, port: Number(port) };
}

/** True when something accepts TCP connections at host:port. */
function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until the broker serves metadata (a listening port alone does not mean the controller is ready).
 * `client` carries kafkajs `ssl` / `sasl` options for a secured listener.
 */
async function waitForBroker(brokers, timeoutMs = 90_000, client = {}) {
  const { Kafka, logLevel } = require('kafkajs');
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const admin = new Kafka({ ...client, clientId: 'harbor-stack-probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (error) {
      lastError = error;
      await admin.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`Kafka at ${brokers} did not become ready: ${lastError && lastError.message}`);
}

/**
 * The broker's configuration. `listeners` are the client listeners (default: one PLAINTEXT listener on
 * `port`); the first also carries inter-broker traffic. `properties` adds or overrides entries, e.g. TLS
 * keystores, SASL mechanisms and an authorizer.
 */
function serverProperties({ host, port, controllerPort, dataDir, listeners = [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', port }], properties = {} }) {
  const defaults = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@${host}:${controllerPort}`,
    listeners: [...listeners.map((listener) => `${listener.name}://${host}:${listener.port}`), `CONTROLLER://${host}:${controllerPort}`].join(','),
    'advertised.listeners': listeners.map((listener) => `${listener.name}://${host}:${listener.advertisedPort ?? listener.port}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': [...listeners.map((listener) => `${listener.name}:${listener.protocol}`), 'CONTROLLER:PLAINTEXT'].join(','),
    'inter.broker.listener.name': listeners[0].name,
    'log.dirs': path.join(dataDir, 'logs'),
    'num.partitions': '3',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // Services create their topics explicitly; a typo must not silently create a new one.
    'auto.create.topics.enable': 'false',
    'log.retention.hours': '168',
  };
  return `${Object.entries({ ...defaults, ...properties })
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the local broker unless one already answers at `brokers`. Returns whether this call started it,
 * so the caller stops only what it started.
 */
async function ensureLocalKafka({ brokers = '127.0.0.1:9092', dataDir = path.join(ROOT, '.harbor', 'kafka'), heapMb = 1024, client = {} } = {}) {
  const { host, port } = parseBroker(brokers);
  if (await answers(host, port)) {
    log(`reusing the Kafka broker that answers at ${brokers}`);
    await waitForBroker(brokers, 90_000, client);
    return { brokers, started: false, pidFile: undefined };
  }
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`no Kafka answers at ${brokers}, and a local one can only be started on 127.0.0.1`);
  // Two commands started together (npm start and npm test in two terminals) would both format and start a broker
  // in the same folder; the second's format then fails on the first's cluster id. One starts, the other waits.
  const starter = await claimStart(dataDir);
  if (!starter.claimed) {
    log(`another process (pid ${starter.owner}) is starting Kafka in ${dataDir}; waiting for it`);
    await waitForBroker(brokers, START_WAIT_MS, client);
    return { brokers, started: false, pidFile: undefined };
  }
  try {
    if (await answers(host, port)) {
      await waitForBroker(brokers, 90_000, client);
      return { brokers, started: false, pidFile: undefined };
    }
    return await startLocalKafka({ brokers, dataDir, heapMb, client });
  } finally {
    fs.rmSync(starter.lock, { force: true });
  }
}

/** How long a second starter waits for the first: a first start fetches Kafka from Maven Central. */
const START_WAIT_MS = 600_000;

/**
 * Claims the right to start the broker of `dataDir` (an exclusive file holding this pid). A claim whose process is
 * gone (killed mid-start) is taken over.
 */
async function claimStart(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, 'start.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return { claimed: true, lock };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(lock, 'utf8').trim());
    if (owner && pidAlive(owner)) return { claimed: false, owner };
    // Just created and not yet written, or left by a process that died: look again, then take it over.
    if (!owner && attempt < 10) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Starts a broker on 127.0.0.1, always a new process (a restart when `dataDir` held one before). Options
 * beyond the default path, for brokers that tests configure and kill on their own ports:
 * - `controllerPort` (default: the client port + 1);
 * - `listeners`: client listeners `{ name, protocol, port, advertisedPort? }` (advertisedPort: where clients
 *   are told to connect, e.g. a proxy in front of `port`), e.g. SASL_SSL, the first one advertised in
 *   `brokers` and used between brokers; `properties`: more server.properties entries (keystores, SASL
 *   mechanisms and JAAS, `authorizer.class.name`, `super.users`);
 * - `scramCredentials`: `SCRAM-SHA-512=[name=…,password=…]` entries written when the storage is formatted
 *   (KRaft's way to have users before the broker first starts);
 * - `client`: kafkajs `ssl` / `sasl` options the readiness probe connects with.
 */
async function startLocalKafka({
  brokers = '127.0.0.1:9092',
  dataDir = path.join(ROOT, '.harbor', 'kafka'),
  heapMb = 512,
  controllerPort,
  listeners,
  properties,
  scramCredentials = [],
  client = {},
} = {}) {
  const { host, port } = parseBroker(brokers);
  const libs = ensureKafkaJars();
  fs.mkdirSync(dataDir, { recursive: true });
  const config = path.join(dataDir, 'server.properties');
  fs.writeFileSync(config, serverProperties({ host: '127.0.0.1', port, controllerPort: controllerPort ?? port + 1, dataDir, listeners, properties }));
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = path.join(libs, '*');
  const jvmLogging = [`-Dlog4j2.configurationFile=${LOG_CONFIG}`, `-Dkafka.logs.dir=${dataDir}`];
  if (!fs.existsSync(path.join(dataDir, 'logs', 'meta.properties'))) {
    const clusterId = spawnSync(java, ['-cp', classpath, ...jvmLogging, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
    const scram = scramCredentials.flatMap((credential) => ['--add-scram', credential]);
    const format = spawnSync(java, ['-cp', classpath, ...jvmLogging, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config, ...scram], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`formatting Kafka storage failed: ${format.stderr || format.stdout}`);
    log(`formatted storage in ${dataDir}`);
  }
  const out = fs.openSync(path.join(dataDir, 'stdout.log'), 'a');
  const child = spawn(java, [`-Xms256m`, `-Xmx${heapMb}m`, '-XX:+UseG1GC', ...jvmLogging, '-cp', classpath, 'kafka.Kafka', config], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  fs.closeSync(out);
  const pidFile = path.join(dataDir, 'kafka.pid');
  fs.writeFileSync(pidFile, String(child.pid));
  log(`starting Apache Kafka ${KAFKA_VERSION} (KRaft, pid ${child.pid}) on ${host}:${port}…`);
  await waitForBroker(brokers, 90_000, client);
  log(`Kafka ready at ${brokers}`);
  return { brokers, started: true, pidFile, pid: child.pid };
}

/**
 * Stops a broker started here and waits for it to exit: SIGTERM lets it flush its logs; `signal: 'SIGKILL'`
 * is a crash, for tests of what survives one.
 */
async function stopLocalKafka(pidFile, { timeoutMs = 30_000, signal = 'SIGTERM' } = {}) {
  if (!pidFile || !fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  if (pid && pidAlive(pid)) {
    process.kill(pid, signal);
    const deadline = Date.now() + timeoutMs;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    log(`stopped Kafka (pid ${pid}, ${signal})`);
  }
  fs.rmSync(pidFile, { force: true });
}

module.exports = { KAFKA_VERSION, ensureKafkaJars, ensureLocalKafka, startLocalKafka, stopLocalKafka, waitForBroker, answers, ROOT };
