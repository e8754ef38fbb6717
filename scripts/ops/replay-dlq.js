#!/usr/bin/env node
// Puts dead-lettered records back on the topic they failed on (docs/operations.md, "Replay a dead-letter
// topic"): same key, same value bytes, the original headers (ce_id included, so consumers stay idempotent)
// without the dlq_* ones. Reads the DLQ up to its end at the moment it starts, commits no offsets and never
// prints a value. Kafka connection from the same variables as the services (KAFKA_BROKERS, KAFKA_SSL*,
// KAFKA_SASL_*; each secret also as *_FILE), e.g. as the harbor-operator KafkaUser.
//
//   node scripts/ops/replay-dlq.js --dlq support.requested.v1.dlq --dry-run
//   node scripts/ops/replay-dlq.js --dlq support.requested.v1.dlq --partition 0 --offset 17
//   node scripts/ops/replay-dlq.js --dlq incidents.reported.v1.dlq --error-class UnknownEventTypeError --limit 10
'use strict';
const { readFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
const { parseArgs } = require('node:util');
const { clearTimeout } = require('node:timers');
const { Kafka, logLevel } = require('kafkajs');

const DLQ_HEADER_PREFIX = 'dlq_';

function setting(env, name) {
  if (env[name]) return env[name];
  if (env[`${name}_FILE`]) return readFileSync(env[`${name}_FILE`], 'utf8').trim();
  return undefined;
}

/** A kafkajs client from the services' variable names. */
function kafkaFromEnv(env = process.env) {
  const ssl = /^(true|1|yes)$/i.test(env.KAFKA_SSL ?? '')
    ? { ca: setting(env, 'KAFKA_SSL_CA'), cert: setting(env, 'KAFKA_SSL_CERT'), key: setting(env, 'KAFKA_SSL_KEY') }
    : undefined;
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const sasl = mechanism ? { mechanism, username: setting(env, 'KAFKA_SASL_USERNAME'), password: setting(env, 'KAFKA_SASL_PASSWORD') } : undefined;
  return new Kafka({
    clientId: 'harbor-dlq-replay',
    brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    ssl,
    sasl,
    logLevel: logLevel.ERROR,
  });
}

function text(value) {
  return value === undefined || value === null ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/**
 * Replays the records of `dlq` that match the filters. Returns one entry per record replayed (or, with
 * dryRun, that would be): where it was, where it went, its ce_id and error class.
 */
async function replayDeadLetters({ kafka, dlq, to, partition, offset, errorClass, limit, dryRun = false, timeoutMs = 60_000, log = () => undefined }) {
  const admin = kafka.admin();
  await admin.connect();
  let ends;
  try {
    ends = await admin.fetchTopicOffsets(dlq);
  } finally {
    await admin.disconnect();
  }
  // Read each partition up to its end now; records dead-lettered during the replay wait for the next run.
  const remaining = new Map(
    ends
      .filter((end) => BigInt(end.high) > BigInt(end.low) && (partition === undefined || end.partition === partition))
      .map((end) => [end.partition, BigInt(end.high)]),
  );
  const replayed = [];
  const skipped = [];
  if (remaining.size === 0) return { replayed, skipped };

  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `harbor-dlq-replay-${randomBytes(4).toString('hex')}` });
  if (!dryRun) await producer.connect();
  await consumer.connect();
  let finish;
  let fail;
  const finished = new Promise((resolve, reject) => ((finish = resolve), (fail = reject)));
  const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms reading ${dlq}`)), timeoutMs);
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition: at, message }) => {
        const end = remaining.get(at);
        if (end === undefined) return;
        const position = BigInt(message.offset);
        const headers = message.headers ?? {};
        const wanted =
          position < end &&
          (offset === undefined || position === BigInt(offset)) &&
          (errorClass === undefined || text(headers.dlq_error_class) === errorClass) &&
          (limit === undefined || replayed.length < limit);
        if (wanted && text(headers.dlq_value) === 'none') {
          // An inbound record that was not a JSON object keeps no value in the DLQ: only its source can resend it.
          skipped.push({ partition: at, offset: message.offset, ceId: text(headers.ce_id), digest: text(headers.dlq_original_sha256) });
          log(`skipped ${dlq} partition ${at} offset ${message.offset}: no value kept (dlq_value=none); ask the source to resend sha256 ${text(headers.dlq_original_sha256) ?? '-'}`);
        } else if (wanted) {
          const target = to ?? text(headers.dlq_source_topic);
          if (!target) throw new Error(`${dlq} partition ${at} offset ${message.offset} has no dlq_source_topic header; pass --to`);
          const original = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(DLQ_HEADER_PREFIX)));
          if (!dryRun) await producer.send({ topic: target, acks: -1, messages: [{ key: message.key, value: message.value, headers: original }] });
          const entry = { partition: at, offset: message.offset, target, ceId: text(headers.ce_id), errorClass: text(headers.dlq_error_class) };
          replayed.push(entry);
          log(`${dryRun ? 'would replay' : 'replayed'} ${dlq} partition ${at} offset ${message.offset} -> ${target} (ce_id ${entry.ceId ?? '-'}, ${entry.errorClass ?? '-'})`);
        }
        if (position + 1n >= end) {
          remaining.delete(at);
          if (remaining.size === 0) finish();
        }
      },
    });
    if (partition !== undefined && offset !== undefined) consumer.seek({ topic: dlq, partition, offset: String(offset) });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    if (!dryRun) await producer.disconnect();
  }
  return { replayed, skipped };
}

async function main() {
  const { values } = parseArgs({
    options: {
      dlq: { type: 'string' },
      to: { type: 'string' },
      partition: { type: 'string' },
      offset: { type: 'string' },
      'error-class': { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.dlq) {
    process.stdout.write('usage: replay-dlq.js --dlq <topic>.dlq [--partition P [--offset O]] [--error-class NAME] [--limit N] [--to TOPIC] [--dry-run]\n');
    process.exit(values.help ? 0 : 2);
  }
  if (values.offset !== undefined && values.partition === undefined) throw new Error('--offset needs --partition');
  const { replayed, skipped } = await replayDeadLetters({
    kafka: kafkaFromEnv(),
    dlq: values.dlq,
    to: values.to,
    partition: values.partition === undefined ? undefined : Number(values.partition),
    offset: values.offset,
    errorClass: values['error-class'],
    limit: values.limit === undefined ? undefined : Number(values.limit),
    dryRun: values['dry-run'],
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${replayed.length} record(s) ${values['dry-run'] ? 'would be replayed' : 'replayed'}, ${skipped.length} skipped (no value kept)\n`);
}

module.exports = { replayDeadLetters, kafkaFromEnv };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`replay-dlq: ${error.message}\n`);
    process.exit(1);
  });
}
