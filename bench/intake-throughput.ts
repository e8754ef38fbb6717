// Intake throughput: records produced on the inbound topics (native incidents, FHIR AdverseEvent R4 and R5 on
// incidents.reported.v1, claim notices on lawsuits.notified.v1) → consumer → trigger + clinician rows and the
// outbox row committed → relay → SupportRequested on support.requested.v1. A burst of records is produced as
// fast as the producer can, and the clock stops when the last support request is read back from Kafka.
// Runs intake in this process against the local Kafka and Postgres; the default run takes well under 60 s.
//
//   npm run build   (or npx tsc -p tsconfig.build.json)
//   node -r ./scripts/register-paths.js dist/bench/intake-throughput.js
//
// Settings: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres: a fresh
// database is created beside it and dropped), BENCH_RECORDS (2000), BENCH_TIMEOUT_S (45).
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { IncidentReported, LawsuitNotified, SupportRequested } from '@harbor/contracts';
import { loadConfig } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { createScratchDatabase } from '@harbor/persistence';
import { createServiceApp } from '@harbor/service-runtime';
import { IntakeEnv } from '../apps/intake/src/intake.env';
import { IntakeModule } from '../apps/intake/src/intake.module';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 2000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 45) * 1000;
const WARMUP = 40;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => process.stdout.write(`${line}\n`);

type Kind = 'native' | 'fhir-r4' | 'fhir-r5' | 'lawsuit';
const KINDS: Kind[] = ['native', 'fhir-r4', 'fhir-r5', 'lawsuit'];

/** One record naming one clinician (`<run>-<index>`), so each yields exactly one support request. */
function record(run: string, index: number): { kind: Kind; key: string; value: string } {
  const kind = KINDS[index % KINDS.length];
  const clinician = `${run}-${index}`;
  const at = new Date().toISOString();
  const narrative = 'A free-text narrative that intake must drop on arrival. '.repeat(4);
  switch (kind) {
    case 'native':
      return { kind, key: `bench|${clinician}`, value: JSON.stringify({
        source: 'bench', sourceEventId: clinician, occurredAt: at, reportedAt: at, category: 'medication-error', harmLevel: 'severe',
        facility: 'bench-general', department: 'emergency', narrative, involvedClinicians: [{ identifier: { system: NPI, value: clinician }, role: 'prescriber' }],
      }) };
    case 'fhir-r4':
      return { kind, key: `fhir|${clinician}`, value: JSON.stringify({
        resourceType: 'AdverseEvent', id: clinician, text: { status: 'generated', div: `<div>${narrative}</div>` }, actuality: 'actual',
        category: [{ coding: [{ code: 'wrong-dose' }] }], subject: { reference: 'Patient/p1', display: 'Patient Name' }, date: at,
        severity: { coding: [{ code: 'severe' }] }, contributor: [{ identifier: { system: NPI, value: clinician } }, { reference: 'Device/pump' }],
      }) };
    case 'fhir-r5':
      return { kind, key: `fhir|${clinician}`, value: JSON.stringify({
        resourceType: 'AdverseEvent', identifier: [{ system: 'urn:bench:ae', value: clinician }], status: 'completed', actuality: 'actual',
        code: { coding: [{ code: '217082002' }] }, subject: { reference: 'Patient/p1' }, occurrenceDateTime: at, seriousness: { coding: [{ code: 'serious' }] },
        participant: [{ actor: { identifier: { system: NPI, value: clinician } } }], note: [{ text: narrative }],
      }) };
    case 'lawsuit':
      return { kind, key: `claims|${clinician}`, value: JSON.stringify({
        source: 'claims', noticeId: clinician, receivedAt: at, kind: 'lawsuit', namedClinicians: [{ identifier: { system: NPI, value: clinician } }],
        facility: 'bench-general', plaintiff: 'Plaintiff Name',
      }) };
  }
}

async function produce(producer: Producer, prefix: string, run: string, from: number, to: number): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let start = from; start < to; start += 250) {
    const records = Array.from({ length: Math.min(250, to - start) }, (_, offset) => record(run, start + offset));
    const incidents = records.filter((item) => item.kind !== 'lawsuit').map(({ key, value }) => ({ key, value }));
    const lawsuits = records.filter((item) => item.kind === 'lawsuit').map(({ key, value }) => ({ key, value }));
    batches.push(producer.sendBatch({ topicMessages: [
      { topic: `${prefix}${IncidentReported.topic}`, messages: incidents },
      { topic: `${prefix}${LawsuitNotified.topic}`, messages: lawsuits },
    ] }));
  }
  await Promise.all(batches);
}

async function main() {
  const database = await createScratchDatabase(ADMIN_URL, 'harbor_bench');
  const prefix = `${database.name}.`;
  const env = loadConfig(IntakeEnv, {
    DATABASE_URL: database.url, KAFKA_BROKERS: BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix, HTTP_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn',
  });
  const logger = createLogger('intake', 'warn');
  const app = await createServiceApp(IntakeModule.forRoot(env, logger), { host: '127.0.0.1', port: 0 }, logger);
  await app.listen(0, '127.0.0.1');

  const kafka = new Kafka({ clientId: 'harbor-intake-bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const received = new Set<string>();
  const consumer = kafka.consumer({ groupId: `bench-reader-${database.name}` });
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}${SupportRequested.topic}`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const payload = JSON.parse(message.value?.toString() ?? '{}');
      received.add(payload.clinician?.value);
    },
  });
  const waitForAll = async (run: string, count: number) => {
    const deadline = now() + TIMEOUT_MS;
    const done = () => { let seen = 0; for (let i = 0; i < count; i++) if (received.has(`${run}-${i}`)) seen++; return seen; };
    while (done() < count) {
      if (now() > deadline) throw new Error(`timed out: ${done()} of ${count} support requests after ${TIMEOUT_MS} ms`);
      await sleep(20);
    }
  };

  try {
    say(`intake throughput: ${RECORDS} records (native, FHIR R4, FHIR R5, claim notice in turn), warm-up ${WARMUP}`);
    await produce(producer, prefix, 'warm', 0, WARMUP);
    await waitForAll('warm', WARMUP);

    const started = now();
    await produce(producer, prefix, 'run', 0, RECORDS);
    const produced = now();
    await waitForAll('run', RECORDS);
    const finished = now();

    const seconds = (finished - started) / 1000;
    const result = {
      records: RECORDS,
      produceSeconds: Number(((produced - started) / 1000).toFixed(3)),
      seconds: Number(seconds.toFixed(3)),
      recordsPerSecond: Math.round(RECORDS / seconds),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, platform: `${platform()} ${release()}`, node: process.version },
      measuredAt: new Date().toISOString(),
    };
    say('');
    say('| records | produced in (s) | last support request after (s) | records/s |');
    say('|---:|---:|---:|---:|');
    say(`| ${result.records} | ${result.produceSeconds} | ${result.seconds} | ${result.recordsPerSecond} |`);
    const out = path.join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'intake-throughput.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await app.close();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
