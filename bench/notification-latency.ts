// Offer-to-provider-request latency of the notification service: AssignmentOffered produced on Kafka (with
// CloudEvents headers, as matching produces it) → consumer → offers + dispatch rows committed → dispatcher
// woken by NOTIFY → Twilio SDK request arriving at a local Twilio-compatible server. Steady rate, then a burst.
// Runs notification in this process against the local Kafka and Postgres; default run well under 60 s.
//
//   npm run build   (or npx tsc -p tsconfig.build.json)
//   node -r ./scripts/register-paths.js dist/bench/notification-latency.js
//
// Settings: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres: a fresh
// database is created beside it and dropped), BENCH_RATE (offers/s, 20), BENCH_SECONDS (15), BENCH_BURST (200).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { AssignmentOffered, AssignmentOfferedV1, versionedType } from '@harbor/contracts';
import { loadConfig } from '@harbor/config';
import { HEADER } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { createScratchDatabase } from '@harbor/persistence';
import { createServiceApp } from '@harbor/service-runtime';
import { NotificationEnv } from '../apps/notification/src/notification.env';
import { NotificationModule } from '../apps/notification/src/notification.module';
import { FakeTwilio } from '../test/support/fake-twilio';
import { LatencySummary, summarize } from './latency-stats';

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const BURST = Number(process.env.BENCH_BURST ?? 200);
const WARMUP = 20;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => process.stdout.write(`${line}\n`);

function offer(index: number): AssignmentOfferedV1 {
  return {
    assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `bench-sup-${index % 50}`,
    channels: [{ kind: 'sms', address: `+1555${String(index).padStart(7, '0')}` }],
    respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
}

async function send(producer: Producer, topic: string, payload: AssignmentOfferedV1) {
  await producer.send({
    topic,
    messages: [{
      key: payload.caseId, value: JSON.stringify(payload),
      headers: { [HEADER.id]: randomUUID(), [HEADER.type]: versionedType(AssignmentOffered), [HEADER.source]: 'harbor/bench', [HEADER.specVersion]: '1.0' },
    }],
  });
}

async function main() {
  const database = await createScratchDatabase(ADMIN_URL, 'harbor_bench');
  const twilio = new FakeTwilio();
  const twilioUrl = await twilio.start();
  const prefix = `${database.name}.`;
  const env = loadConfig(NotificationEnv, {
    DATABASE_URL: database.url, KAFKA_BROKERS: BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix, HTTP_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn',
    TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001', TWILIO_AUTH_TOKEN: 'bench-token', TWILIO_FROM_NUMBER: '+15559990000',
    NOTIFY_BREAKER_VOLUME: '1000',
  });
  const logger = createLogger('notification', 'warn');
  const app = await createServiceApp(NotificationModule.forRoot(env, logger), { host: '127.0.0.1', port: 0 }, logger);
  await app.listen(0, '127.0.0.1');
  const kafka = new Kafka({ clientId: 'harbor-notification-bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const topic = `${prefix}${AssignmentOffered.topic}`;
  const sentAt = new Map<string, number>();
  const latencies = (from: number, to: number) => {
    const result: number[] = [];
    for (const message of twilio.messages) {
      const index = Number(message.to.slice(5));
      const at = sentAt.get(message.to);
      if (index >= from && index < to && at !== undefined) result.push(message.receivedAt - at);
    }
    return result;
  };
  const waitForAll = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (twilio.messages.length < count && Date.now() < deadline) await sleep(20);
  };
  const results: { scenario: string; offers: number; latency: LatencySummary; drainMs?: number }[] = [];
  try {
    let index = 0;
    for (; index < WARMUP; index++) {
      const payload = offer(index);
      sentAt.set(payload.channels[0].address, now());
      await send(producer, topic, payload);
    }
    await waitForAll(WARMUP, 20_000);

    const steadyFrom = index;
    const steadyCount = RATE * SECONDS;
    const start = now();
    const pending: Promise<void>[] = [];
    for (let offset = 0; offset < steadyCount; offset++, index++) {
      const wait = start + (offset * 1000) / RATE - now();
      if (wait > 0) await sleep(wait);
      const payload = offer(index);
      sentAt.set(payload.channels[0].address, now());
      pending.push(send(producer, topic, payload));
    }
    await Promise.all(pending);
    await waitForAll(WARMUP + steadyCount, 20_000);
    results.push({ scenario: `steady ${RATE}/s for ${SECONDS} s`, offers: steadyCount, latency: summarize(latencies(steadyFrom, index)) });

    const burstFrom = index;
    const burstStart = now();
    const burst = Array.from({ length: BURST }, () => offer(index++));
    for (const payload of burst) sentAt.set(payload.channels[0].address, burstStart);
    await producer.send({
      topic,
      messages: burst.map((payload) => ({
        key: payload.caseId, value: JSON.stringify(payload),
        headers: { [HEADER.id]: randomUUID(), [HEADER.type]: versionedType(AssignmentOffered), [HEADER.source]: 'harbor/bench', [HEADER.specVersion]: '1.0' },
      })),
    });
    await waitForAll(WARMUP + steadyCount + BURST, 30_000);
    const burstLatencies = latencies(burstFrom, index);
    results.push({ scenario: `burst of ${BURST}`, offers: BURST, latency: summarize(burstLatencies), drainMs: Math.max(...burstLatencies) });
  } finally {
    await producer.disconnect();
    await app.close();
    await twilio.stop();
    await database.drop();
  }

  say('');
  say('Offer-to-provider-request latency (ms): AssignmentOffered produced → SMS request at the Twilio-compatible server');
  say('| scenario | offers | received | p50 | p95 | p99 | max |');
  say('|---|---|---|---|---|---|---|');
  for (const result of results) {
    const { latency } = result;
    say(`| ${result.scenario} | ${result.offers} | ${latency.count} | ${latency.p50.toFixed(1)} | ${latency.p95.toFixed(1)} | ${latency.p99.toFixed(1)} | ${latency.max.toFixed(1)} |`);
  }
  const out = path.resolve(process.cwd(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, 'notification-latency.json');
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, platform: platform(), release: release() }, rate: RATE, seconds: SECONDS, burst: BURST, results }, null, 2));
  say(`\nwritten to ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
