// Directory import benchmark: matching runs as its own process (as deployed) on a fresh database; a generated
// CSV of DIRECTORY_BENCH_ROWS clinicians is posted to POST /v1/directory/clinicians/import, then posted again
// (every row an update). Prints the time of each request and the service's peak resident memory (VmHWM from
// /proc), and checks that every row landed.
//
//   npm run build && node -r ./scripts/register-paths.js dist/bench/directory-import.js
//
// Settings (environment): DIRECTORY_BENCH_ROWS (50000), DATABASE_URL (a fresh database is created beside it and
// dropped), KAFKA_BROKERS (127.0.0.1:9092; matching needs its consumers to start), DIRECTORY_BENCH_PORT (3202),
// DIRECTORY_BENCH_NODE_ARGS (node flags for the matching process), DIRECTORY_BENCH_OUT (directory-import.json).
import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DevTokenIssuer, Role } from '@harbor/auth';
import { createScratchDatabase } from '@harbor/persistence';

const ROOT = path.resolve(__dirname, '..', '..');
const ROWS = Number(process.env.DIRECTORY_BENCH_ROWS ?? 50_000);
const PORT = Number(process.env.DIRECTORY_BENCH_PORT ?? 3202);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
/** Extra node flags for the matching process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where an import spends its time. */
const NODE_ARGS = (process.env.DIRECTORY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const DEPARTMENTS = ['emergency', 'icu', 'surgery', 'pediatrics', 'oncology', 'radiology'];
const PROFESSIONS = ['physician', 'nurse', 'pharmacist', 'resident', 'therapist'];
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A directory extract as a hospital would send it: two identifiers per clinician, contact details, languages. */
function directoryCsv(rows: number): string {
  const lines = ['identifiers,displayName,profession,department,facility,phone,email,languages,optedOut'];
  for (let i = 1; i <= rows; i++) {
    lines.push([
      `"http://hl7.org/fhir/sid/us-npi|${1_000_000_000 + i};urn:bench:employee|E-${i}"`,
      `Clinician ${i}`, PROFESSIONS[i % PROFESSIONS.length], DEPARTMENTS[i % DEPARTMENTS.length], 'main',
      `+1555${String(i).padStart(7, '0')}`, `clinician${i}@example.org`, i % 10 === 0 ? 'en;es' : 'en', i % 97 === 0 ? 'true' : 'false',
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Peak and current resident set of a process, in MiB, from /proc (Linux). */
function memoryOf(pid: number): { peakMiB: number; currentMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: Math.round(kib('VmHWM') / 1024), currentMiB: Math.round(kib('VmRSS') / 1024) };
}

/** node:http rather than fetch: fetch gives up on a response that takes over 300 s, which the row-by-row import did. */
function postCsv(url: string, token: string, csv: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(csv);
  });
}

async function startMatching(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, '-r', path.join(ROOT, 'scripts', 'register-paths.js'), path.join(ROOT, 'dist', 'apps', 'matching', 'src', 'main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(PORT), METRICS_PORT: String(PORT + 6000) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${PORT}/health/ready`).then((response) => response.ok, () => false))) {
    if (child.exitCode !== null) throw new Error(`matching exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('matching did not become ready');
    await sleep(250);
  }
  return child;
}

/** The topics matching created for this run (its prefix is the run's database name), so the shared broker keeps none. */
async function deleteRunTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'harbor-bench-cleanup', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const database = await createScratchDatabase(BASE_URL, 'harbor_bench_import');
  const issuer = await DevTokenIssuer.start();
  let child: ChildProcess | undefined;
  const db = new Client({ connectionString: database.url });
  try {
    child = await startMatching({
      DATABASE_URL: database.url, KAFKA_BROKERS: BROKERS, KAFKA_TOPIC_PREFIX: `${database.name}.`, AUTH_ISSUER: issuer.issuer, LOG_LEVEL: 'warn',
    });
    const token = await issuer.issue([Role.ProgramAdmin]);
    const csv = directoryCsv(ROWS);
    const bytes = Buffer.byteLength(csv);
    say(`directory import: ${ROWS} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB of CSV, matching pid ${child.pid}`);
    const idle = memoryOf(child.pid!);

    const post = async (label: string) => {
      const started = performance.now();
      const response = await postCsv(`http://127.0.0.1:${PORT}/v1/directory/clinicians/import`, token, csv);
      const seconds = (performance.now() - started) / 1000;
      if (response.status !== 200) throw new Error(`${label}: HTTP ${response.status} ${response.text.slice(0, 500)}`);
      const body = JSON.parse(response.text);
      const memory = memoryOf(child!.pid!);
      say(`${label}: ${seconds.toFixed(2)} s, created ${body.created}, updated ${body.updated}, failed ${body.failed.length}, peak RSS ${memory.peakMiB} MiB`);
      return { label, seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(ROWS / seconds), created: body.created, updated: body.updated, failed: body.failed.length, peakRssMiB: memory.peakMiB };
    };
    const first = await post('first import (all new)');
    const again = await post('re-import (all updates)');

    await db.connect();
    const [{ clinicians, identifiers }] = (await db.query(
      `SELECT (SELECT count(*) FROM "matching"."clinicians")::int AS clinicians, (SELECT count(*) FROM "matching"."clinician_identifiers")::int AS identifiers`,
    )).rows;
    if (clinicians !== ROWS || identifiers !== 2 * ROWS) throw new Error(`expected ${ROWS} clinicians and ${2 * ROWS} identifiers, found ${clinicians} and ${identifiers}`);
    say(`landed: ${clinicians} clinicians, ${identifiers} identifiers; load average ${loadavg()[0].toFixed(2)}`);

    const result = {
      rows: ROWS, csvBytes: bytes, idleRssMiB: idle.currentMiB, runs: [first, again],
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: `${platform()} ${release()}`, node: process.version },
      postgres: (await db.query('SHOW server_version')).rows[0].server_version,
      // Other work on the machine slows every phase; the 1-minute load average says how busy it was.
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
      measuredAt: new Date().toISOString(),
    };
    say('');
    say('| import | rows | seconds | rows/s | created | updated | failed | peak RSS MiB (idle ' + idle.currentMiB + ') |');
    say('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const run of result.runs) say(`| ${run.label} | ${ROWS} | ${run.seconds} | ${run.rowsPerSecond} | ${run.created} | ${run.updated} | ${run.failed} | ${run.peakRssMiB} |`);
    const out = path.join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, process.env.DIRECTORY_BENCH_OUT ?? 'directory-import.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await db.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    await issuer.stop();
    await deleteRunTopics(`${database.name}.`);
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
