// `npm run bench`: end-to-end latency from an incident produced on incidents.reported.v1 to the page
// arriving at a Twilio-compatible server, at a steady rate and in a burst, against the four services
// running as separate processes on the local stack; then the same hops relayed by bare kafkajs.
import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DevTokenIssuer } from '@harbor/auth';
import { createScratchDatabase } from '@harbor/persistence';
import { LatencySummary, summarize } from './latency-stats';
import { fixedWorkloadCpuMs } from './machine-speed';
import { PageReceiver } from './page-receiver';
import { breakdownMarkdown, cpuSecondsMatching, cpuSecondsOf, HopLatency, hopLatencies, rssMegabytes, ScenarioCost, ScenarioMeter, tableWritesOf } from './pipeline-breakdown';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require(path.join(ROOT, 'scripts', 'stack', 'local-kafka.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICE_NODE_FLAGS } = require(path.join(ROOT, 'scripts', 'stack', 'service-node-flags.js')) as { SERVICE_NODE_FLAGS: string[] };

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const WARMUP = 100;
const SUPPORTERS = 100;
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 600_000);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => process.stdout.write(`${line}\n`);

interface ScenarioResult {
  system: 'harbor' | 'baseline';
  scenario: 'steady' | 'burst';
  latency: LatencySummary;
  drainMs?: number;
  /** Harbor only: where the time went (per hop) and what the scenario cost (CPU, Postgres, waits). */
  hops?: HopLatency[];
  cost?: ScenarioCost;
  /** Harbor's burst: resident memory per service once it drained. */
  rssMb?: Record<string, number>;
  /** Harbor's burst: V8 heap in use / allocated per service once it drained (from its /metrics), to tell live data from retained pages. */
  heapMb?: Record<string, string>;
  /** The same, BENCH_SETTLE_SECONDS after the drain: what a service keeps once the garbage of the burst is collected. */
  settledRssMb?: Record<string, number>;
  settledHeapMb?: Record<string, string>;
}

function incident(index: number) {
  const at = new Date().toISOString();
  return {
    source: 'bench',
    sourceEventId: `bench-${index}`,
    occurredAt: at,
    reportedAt: at,
    category: 'medication-error',
    harmLevel: 'severe',
    facility: 'bench-general',
    involvedClinicians: [{ identifier: { system: 'urn:harbor:bench', value: `C-${index}` } }],
  };
}

/** Sends one record per scheduled tick so latency includes no batching the producer would not do live. */
async function produceSteady(producer: Producer, topic: string, first: number, count: number, rate: number, sentAt: Map<number, number>, value: (i: number) => string) {
  const start = now();
  const pending: Promise<unknown>[] = [];
  for (let offset = 0; offset < count; offset++) {
    const due = start + (offset * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const index = first + offset;
    sentAt.set(index, now());
    pending.push(producer.send({ topic, messages: [{ key: String(index), value: value(index) }] }));
  }
  await Promise.all(pending);
}

async function produceBurst(producer: Producer, topic: string, first: number, count: number, sentAt: Map<number, number>, value: (i: number) => string) {
  const start = now();
  const chunks: Promise<unknown>[] = [];
  for (let offset = 0; offset < count; offset += 500) {
    const messages = [];
    for (let index = first + offset; index < first + Math.min(count, offset + 500); index++) {
      sentAt.set(index, start);
      messages.push({ key: String(index), value: value(index) });
    }
    chunks.push(producer.send({ topic, messages }));
  }
  await Promise.all(chunks);
  return start;
}

/** BENCH_REPLICAS: processes per service (same group, same database), to see how capacity grows with replicas. */
const REPLICAS = Math.max(1, Number(process.env.BENCH_REPLICAS ?? 1));
/** BENCH_PROFILE=1: every service writes a V8 CPU profile into .cache/bench-profiles/<service>-<replica>/ on exit. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** BENCH_SETTLE_SECONDS: how long after the burst's drain the services' memory is measured a second time. */
const SETTLE_SECONDS = Math.max(0, Number(process.env.BENCH_SETTLE_SECONDS ?? 15));
const SERVICES = [['intake', 3101], ['matching', 3102], ['notification', 3103], ['reporting', 3104]] as const;

interface ServiceChild {
  name: (typeof SERVICES)[number][0];
  replica: number;
  child: ChildProcess;
  metricsPort: number;
}

/** A service's Prometheus text, empty when it does not answer. */
function metricsOf(metricsPort: number): Promise<string> {
  return fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text(), () => '');
}

/** The value of an unlabelled series (its first sample), NaN when absent. */
function sampleOf(text: string, name: string): number {
  return Number(text.split('\n').find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))?.split(' ').pop() ?? NaN);
}

/** "used/allocated" V8 heap MB from a service's Prometheus endpoint (prom-client's default metrics). */
async function heapOf(metricsPort: number): Promise<string> {
  const text = await metricsOf(metricsPort);
  const value = (name: string) => sampleOf(text, name) / 2 ** 20;
  return `${value('nodejs_heap_size_used_bytes').toFixed(0)}/${value('nodejs_heap_size_total_bytes').toFixed(0)}`;
}

async function startServices(env: Record<string, string>): Promise<ServiceChild[]> {
  const started: ServiceChild[] = [];
  const ports: number[] = [];
  for (let replica = 0; replica < REPLICAS; replica++) {
    for (const [name, basePort] of SERVICES) {
      const port = basePort + replica * 10;
      const profile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.cache', 'bench-profiles', `${name}-${replica}`)}`] : [];
      const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...profile, '-r', path.join(ROOT, 'scripts', 'register-paths.js'), path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
        env: { ...process.env, ...env, HTTP_PORT: String(port), METRICS_PORT: String(port + 6000) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      started.push({ name, replica, child, metricsPort: port + 6000 });
      ports.push(port);
    }
  }
  for (const port of ports) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`service on port ${port} did not start`);
      await sleep(250);
    }
  }
  return started;
}

async function seed(db: Client, clinicians: number) {
  await db.query(`
    INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "facility")
    SELECT md5('c' || i)::uuid, 'Bench Clinician ' || i, 'physician', 'bench-general' FROM generate_series(0, $1 - 1) AS i`, [clinicians]);
  await db.query(`
    INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id")
    SELECT 'urn:harbor:bench', 'C-' || i, md5('c' || i)::uuid FROM generate_series(0, $1 - 1) AS i`, [clinicians]);
  await db.query(`
    INSERT INTO "matching"."supporters" ("id", "display_name", "profession", "training_expires_on", "max_open_cases", "channels")
    SELECT 'bench-sup-' || i, 'Bench Supporter ' || i, 'physician', '2099-12-31', 100000,
           jsonb_build_array(jsonb_build_object('kind', 'sms', 'address', '+1555' || lpad(i::text, 7, '0')))
    FROM generate_series(1, $1) AS i`, [SUPPORTERS]);
}

/** Pages are matched to incidents through the database after the run: assignment → case → clinician identifier. */
async function harborLatencies(db: Client, receiver: PageReceiver, sentAt: Map<number, number>, from: number, to: number): Promise<number[]> {
  const { rows } = await db.query(
    `SELECT a."id", c."identifier_value" FROM "matching"."assignments" a JOIN "matching"."cases" c ON c."id" = a."case_id"`,
  );
  const latencies: number[] = [];
  for (const row of rows) {
    const index = Number(String(row.identifier_value).slice(2));
    if (index < from || index >= to) continue;
    const arrived = receiver.arrivals.get(`${row.id}:sms`);
    if (arrived !== undefined) latencies.push(arrived - sentAt.get(index)!);
  }
  return latencies;
}

function baselineLatencies(receiver: PageReceiver, sentAt: Map<number, number>, from: number, to: number): number[] {
  const latencies: number[] = [];
  for (let index = from; index < to; index++) {
    const arrived = receiver.arrivals.get(String(index));
    if (arrived !== undefined) latencies.push(arrived - sentAt.get(index)!);
  }
  return latencies;
}

async function runHarbor(brokers: string, databaseUrl: string, pages: PageReceiver, receiverUrl: string): Promise<ScenarioResult[]> {
  const database = await createScratchDatabase(databaseUrl, 'harbor_bench');
  const issuer = await DevTokenIssuer.start();
  const prefix = `${database.name}.`;
  const env = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    AUTH_ISSUER: issuer.issuer,
    LOG_LEVEL: 'warn',
    TWILIO_BASE_URL: receiverUrl,
    TWILIO_ACCOUNT_SID: 'ACbench',
    TWILIO_AUTH_TOKEN: 'bench',
    TWILIO_FROM_NUMBER: '+15559990000',
    // The bench pushes thousands of cases through a pool of 100 supporters with unlimited capacity to measure
    // the pipeline: the monthly case cap (care for the carers) would turn most pages into escalations.
    MATCHING_MONTHLY_CASE_CAP: '0',
  };
  const children = await startServices(env);
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  // CPU per service, summed over its replicas.
  const processes: Record<string, () => number> = Object.fromEntries(
    SERVICES.map(([name]) => [name, () => children.filter((entry) => entry.name === name).reduce((sum, entry) => sum + cpuSecondsOf(entry.child.pid), 0)]),
  );
  processes.kafka = () => cpuSecondsMatching(/kafka\.Kafka/);
  processes.postgres = () => cpuSecondsMatching(/^postgres/);
  // Every offset commit appends a record to __consumer_offsets: its end offsets count the groups' commits.
  const kafkaAdmin = new Kafka({ clientId: 'bench-meter', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await kafkaAdmin.connect();
  const offsetCommits = async () => (await kafkaAdmin.fetchTopicOffsets('__consumer_offsets')).reduce((sum, { high }) => sum + Number(high), 0);
  // Round trips to Postgres per service, summed over its replicas (harbor_database_round_trips_total).
  const roundTrips = async () => {
    const counts = await Promise.all(children.map(async (entry) => [entry.name, sampleOf(await metricsOf(entry.metricsPort), 'harbor_database_round_trips_total')] as const));
    const perService: Record<string, number> = {};
    for (const [name, count] of counts) if (Number.isFinite(count)) perService[name] = (perService[name] ?? 0) + count;
    return perService;
  };
  const meter = () => new ScenarioMeter(admin, database.name, processes, offsetCommits, roundTrips, () => tableWritesOf(db));
  const results: ScenarioResult[] = [];
  try {
    await seed(db, WARMUP + RATE * SECONDS + BURST);
    const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const topic = `${prefix}incidents.reported.v1`;
    const sentAt = new Map<number, number>();
    const value = (index: number) => JSON.stringify(incident(index));

    say(`harbor: warm-up (${WARMUP} incidents)…`);
    await produceSteady(producer, topic, 0, WARMUP, RATE, sentAt, value);
    await pages.waitFor(WARMUP, DRAIN_TIMEOUT_MS);

    say(`harbor: steady ${RATE}/s for ${SECONDS} s…`);
    const steadyMeter = meter();
    await steadyMeter.start();
    await produceSteady(producer, topic, WARMUP, RATE * SECONDS, RATE, sentAt, value);
    await pages.waitFor(WARMUP + RATE * SECONDS, DRAIN_TIMEOUT_MS);
    const steadyCost = await steadyMeter.stop(RATE * SECONDS);
    results.push({
      system: 'harbor', scenario: 'steady', latency: summarize(await harborLatencies(db, pages, sentAt, WARMUP, WARMUP + RATE * SECONDS)),
      hops: await hopLatencies(db, sentAt, pages.arrivals, WARMUP, WARMUP + RATE * SECONDS), cost: steadyCost,
    });

    say(`harbor: burst of ${BURST}…`);
    const burstFrom = WARMUP + RATE * SECONDS;
    const burstMeter = meter();
    await burstMeter.start();
    const burstStart = await produceBurst(producer, topic, burstFrom, BURST, sentAt, value);
    await pages.waitFor(burstFrom + BURST, DRAIN_TIMEOUT_MS);
    const burstCost = await burstMeter.stop(BURST);
    const drainMs = Math.max(...[...pages.arrivals.values()]) - burstStart;
    results.push({
      system: 'harbor', scenario: 'burst', latency: summarize(await harborLatencies(db, pages, sentAt, burstFrom, burstFrom + BURST)), drainMs,
      hops: await hopLatencies(db, sentAt, pages.arrivals, burstFrom, burstFrom + BURST), cost: burstCost,
    });
    const label = ({ name, replica }: ServiceChild) => (REPLICAS > 1 ? `${name}-${replica + 1}` : name);
    results[results.length - 1].rssMb = Object.fromEntries(children.map((entry) => [label(entry), rssMegabytes(entry.child.pid)]));
    results[results.length - 1].heapMb = Object.fromEntries(await Promise.all(children.map(async (entry) => [label(entry), await heapOf(entry.metricsPort)])));
    // Right after the drain, V8's old generation still holds the burst's garbage (a heap snapshot, which collects
    // first, found matching's live heap at 39–48 MB mid-burst): measured again once the services have been idle.
    await sleep(SETTLE_SECONDS * 1000);
    results[results.length - 1].settledRssMb = Object.fromEntries(children.map((entry) => [label(entry), rssMegabytes(entry.child.pid)]));
    results[results.length - 1].settledHeapMb = Object.fromEntries(await Promise.all(children.map(async (entry) => [label(entry), await heapOf(entry.metricsPort)])));
    await producer.disconnect();
  } finally {
    await db.end();
    await admin.end();
    await kafkaAdmin.disconnect();
    for (const { child } of children) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await issuer.stop();
    // BENCH_KEEP_DB=1 keeps the run's database for looking at per-hop timestamps afterwards.
    if (process.env.BENCH_KEEP_DB === '1') say(`kept database ${database.name}`);
    else await database.drop();
  }
  return results;
}

async function runBaseline(brokers: string, receiver: PageReceiver, receiverUrl: string): Promise<ScenarioResult[]> {
  const runId = `benchbase${randomBytes(3).toString('hex')}`;
  const topics = ['a', 'b', 'c'].map((hop) => `${runId}.${hop}`);
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  const relay = fork(path.join(__dirname, 'baseline-relay.js'), [], {
    env: { ...process.env, KAFKA_BROKERS: brokers, BENCH_TOPICS: topics.join(','), BENCH_RECEIVER_URL: receiverUrl },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    relay.once('message', resolve);
    relay.once('exit', (code) => reject(new Error(`baseline relay exited with ${code}`)));
  });
  const producer = kafka.producer();
  await producer.connect();
  const sentAt = new Map<number, number>();
  const value = (index: number) => JSON.stringify(incident(index));
  const results: ScenarioResult[] = [];
  try {
    receiver.reset();
    say(`baseline: warm-up, then steady ${RATE}/s for ${SECONDS} s…`);
    await produceSteady(producer, topics[0], 0, WARMUP, RATE, sentAt, value);
    await receiver.waitFor(WARMUP, DRAIN_TIMEOUT_MS);
    await produceSteady(producer, topics[0], WARMUP, RATE * SECONDS, RATE, sentAt, value);
    await receiver.waitFor(WARMUP + RATE * SECONDS, DRAIN_TIMEOUT_MS);
    results.push({ system: 'baseline', scenario: 'steady', latency: summarize(baselineLatencies(receiver, sentAt, WARMUP, WARMUP + RATE * SECONDS)) });
    say(`baseline: burst of ${BURST}…`);
    const burstFrom = WARMUP + RATE * SECONDS;
    const burstStart = await produceBurst(producer, topics[0], burstFrom, BURST, sentAt, value);
    await receiver.waitFor(burstFrom + BURST, DRAIN_TIMEOUT_MS);
    const drainMs = Math.max(...[...receiver.arrivals.values()]) - burstStart;
    results.push({ system: 'baseline', scenario: 'burst', latency: summarize(baselineLatencies(receiver, sentAt, burstFrom, burstFrom + BURST)), drainMs });
  } finally {
    await producer.disconnect();
    relay.kill('SIGTERM');
  }
  return results;
}

function markdown(results: ScenarioResult[], machine: Record<string, string>): string {
  const find = (system: string, scenario: string) => results.find((result) => result.system === system && result.scenario === scenario);
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(1));
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}; ${machine.os}; Node ${machine.node}; Kafka ${machine.kafka} (single local broker); ${machine.postgres}; ${REPLICAS} replica${REPLICAS > 1 ? 's' : ''} per service. Run ${machine.date}; ${machine.yardstick}.`,
    '',
    '| scenario | system | pages | p50 ms | p95 ms | p99 ms | max ms | drain ms | p50 ratio | p99 ratio |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of ['steady', 'burst'] as const) {
    const base = find('baseline', scenario);
    for (const system of ['harbor', 'baseline'] as const) {
      const result = find(system, scenario);
      if (!result) continue;
      const label = scenario === 'steady' ? `steady ${RATE}/s × ${SECONDS} s` : `burst of ${BURST}`;
      const ratio = (key: 'p50' | 'p99') => (system === 'harbor' && base ? `${(result.latency[key] / base.latency[key]).toFixed(1)}×` : '1×');
      lines.push(
        `| ${label} | ${system} | ${result.latency.count} | ${ms(result.latency.p50)} | ${ms(result.latency.p95)} | ${ms(result.latency.p99)} | ${ms(result.latency.max)} | ${ms(result.drainMs)} | ${ratio('p50')} | ${ratio('p99')} |`,
      );
    }
  }
  for (const scenario of ['steady', 'burst'] as const) {
    const result = find('harbor', scenario);
    if (!result?.hops || !result.cost) continue;
    lines.push('', breakdownMarkdown(scenario === 'steady' ? `steady ${RATE}/s × ${SECONDS} s` : `burst of ${BURST}`, result.hops, result.cost, result.rssMb, result.heapMb, result.settledRssMb && { seconds: SETTLE_SECONDS, rssMb: result.settledRssMb, heapMb: result.settledHeapMb ?? {} }));
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kafka = await localKafka.ensureLocalKafka({ brokers });
  const receiver = new PageReceiver();
  const receiverUrl = await receiver.start();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const postgres = (await db.query('SHOW server_version')).rows[0].server_version;
  await db.end();
  try {
    const yardstickBefore = fixedWorkloadCpuMs();
    const harbor = await runHarbor(brokers, databaseUrl, receiver, receiverUrl);
    const baseline = await runBaseline(brokers, receiver, receiverUrl);
    const results = [...harbor, ...baseline];
    const yardstick = { beforeMs: yardstickBefore, afterMs: fixedWorkloadCpuMs() };
    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown CPU',
      cores: String(cpus().length),
      memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
      os: `${platform()} ${release()}`,
      node: process.version,
      kafka: localKafka.KAFKA_VERSION,
      postgres: `PostgreSQL ${postgres}`,
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      yardstick: `a fixed workload took ${yardstick.beforeMs} ms of CPU before the run and ${yardstick.afterMs} ms after it (bench/machine-speed.ts; more is a slower VM)`,
    };
    const table = markdown(results, machine);
    const out = path.join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'latest.json'), JSON.stringify({ machine, yardstick, settings: { rate: RATE, seconds: SECONDS, burst: BURST, supporters: SUPPORTERS, replicas: REPLICAS }, results }, null, 2));
    writeFileSync(path.join(out, 'latest.md'), table);
    say(`\n${table}`);
    say('Written to bench/results/latest.json and bench/results/latest.md.');
  } finally {
    await receiver.stop();
    if (kafka.started) await localKafka.stopLocalKafka(kafka.pidFile);
  }
}

main().catch((error) => {
  process.stderr.write(`benchmark failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
