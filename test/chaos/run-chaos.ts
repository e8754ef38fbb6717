// `npm run test:chaos`: the chaos tier. The four services as separate processes from dist/, on a Kafka broker
// and a database of the run's own, with a Twilio-compatible provider that can be made to fail, while a stream of
// incidents (each naming its own clinician) flows: kill -9 of every service several times, broker restarts
// (SIGTERM and kill -9), every database connection terminated, provider 500s / 429 / a minute's outage, and a
// provider outage at a quiet time. Counts per incident, recovery per fault, connections against their baseline;
// prints a table, writes test/chaos/results/latest.{json,md}, exits 1 when a pass criterion fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { createScratchDatabase, ScratchDatabase } from '@harbor/persistence';
import { FakeTwilio } from '../support/fake-twilio';
import { IncidentStream } from './incident-stream';
import { settleLedger } from './incident-ledger';
import { CHAOS_SERVICES, ChaosService, ServiceSupervisor } from './service-supervisor';
import { caseKey } from '../../apps/reporting/src/facts/case-key';
import { ChaosReport, ConnectionSample, FaultResult, judge, renderReport } from './chaos-report';

const ROOT = resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require(join(ROOT, 'scripts', 'stack', 'local-kafka.js'));

const ALL_FAULTS = ['kills', 'broker', 'database', 'provider', 'quiet'];
const settings = {
  incidents: Number(process.env.CHAOS_INCIDENTS ?? 1000),
  ratePerSecond: Number(process.env.CHAOS_RATE ?? 3),
  /** Directory entries for the stream: it runs for as long as the faults take, at least `incidents`. */
  clinicians: Number(process.env.CHAOS_CLINICIANS ?? 20_000),
  supporters: Number(process.env.CHAOS_SUPPORTERS ?? 500),
  killsPerService: Number(process.env.CHAOS_KILLS_PER_SERVICE ?? 3),
  providerPhaseSeconds: Number(process.env.CHAOS_PROVIDER_PHASE_SECONDS ?? 15),
  providerOutageSeconds: Number(process.env.CHAOS_PROVIDER_OUTAGE_SECONDS ?? 60),
  recoveryLimitMs: Number(process.env.CHAOS_RECOVERY_LIMIT_MS ?? 10_000),
  settleMs: Number(process.env.CHAOS_SETTLE_MS ?? 4000),
  kafkaPort: Number(process.env.CHAOS_KAFKA_PORT ?? 19092),
  postgres: process.env.CHAOS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  keep: process.env.CHAOS_KEEP === '1',
  /** Which fault groups run (comma-separated): kills, broker, database, provider, quiet. A subset is for investigating one fault. */
  faults: new Set((process.env.CHAOS_FAULTS ?? ALL_FAULTS.join(',')).split(',').map((fault) => fault.trim())),
};
/** How long a fault may take to recover before the runner stops waiting (and records it as not recovered). */
const GIVE_UP_MS = 120_000;
const DRAIN_TIMEOUT_MS = 240_000;
const REPORTING_HASH_KEY = 'harbor-chaos-reporting-hash-key';
const TWILIO_ACCOUNT = 'ACchaos0000000000000000000000000';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

class ChaosRun {
  readonly twilio = new FakeTwilio();
  readonly faults: FaultResult[] = [];
  readonly connections: ConnectionSample[] = [];
  stream!: IncidentStream;
  services!: ServiceSupervisor;
  database!: ScratchDatabase;
  db!: Pool;
  admin!: Pool;
  kafka?: { pidFile: string };
  runDir = mkdtempSync('/tmp/harbor-chaos-');
  brokers = `127.0.0.1:${settings.kafkaPort}`;
  private kafkaDir = join(this.runDir, 'kafka');

  async setUp(): Promise<void> {
    if (await localKafka.answers('127.0.0.1', settings.kafkaPort)) throw new Error(`something already listens on ${this.brokers}; set CHAOS_KAFKA_PORT`);
    mkdirSync(join(this.runDir, 'logs'));
    say(`run directory ${this.runDir}; starting the run's own Kafka on ${this.brokers}…`);
    this.kafka = await this.startBroker();
    this.database = await createScratchDatabase(settings.postgres, 'harbor_chaos');
    // eslint-disable-next-line no-restricted-syntax -- listens for 'error' just below
    this.admin = new Pool({ connectionString: settings.postgres, max: 1, application_name: 'harbor-chaos-runner' });
    // eslint-disable-next-line no-restricted-syntax -- listens for 'error' just below
    this.db = new Pool({ connectionString: this.database.url, max: 3, application_name: 'harbor-chaos-runner' });
    // Terminating every connection also ends the runner's own idle ones: the pool replaces them.
    this.db.on('error', () => undefined);
    this.admin.on('error', () => undefined);
    const twilioUrl = await this.twilio.start();
    const ports = Object.fromEntries(
      await Promise.all(CHAOS_SERVICES.map(async (service) => [service, { http: await freePort(), metrics: await freePort() }] as const)),
    ) as Record<ChaosService, { http: number; metrics: number }>;
    this.services = new ServiceSupervisor(join(ROOT, 'dist'), join(this.runDir, 'logs'), ports, (service) => ({
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: this.brokers,
      LOG_LEVEL: 'info',
      // A leaked connection is one that outlives the pool's idle timeout. The default (300 s) keeps connections through
      // lulls on purpose; 10 s lets the end-of-run sample, taken 20 s after the drain, tell a leak from a kept connection.
      DATABASE_POOL_IDLE_SECONDS: '10',
      // The pool is sized so nobody runs out of capacity; the monthly case cap must not shrink it either.
      ...(service === 'matching' ? { MATCHING_MONTHLY_CASE_CAP: '0' } : {}),
      ...(service === 'notification'
        ? {
          NOTIFY_PUBLIC_BASE_URL: `http://127.0.0.1:${ports.notification.http}`,
          TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT, TWILIO_AUTH_TOKEN: 'chaos-twilio-auth-token', TWILIO_FROM_NUMBER: '+15559990000',
          TWILIO_STATUS_CALLBACKS: 'false',
        }
        : {}),
      ...(service === 'reporting' ? { REPORTING_HASH_KEY } : {}),
    }));
    say('starting the four services from dist/…');
    // Matching first: the others' start-up does not depend on it, but its migrations are what the seed needs.
    for (const service of CHAOS_SERVICES) this.services.start(service);
    await this.waitUntil(async () => (await Promise.all(CHAOS_SERVICES.map((service) => this.services.ready(service)))).every(Boolean), 'every service to be ready', 180_000);
    await this.seed();
    this.stream = new IncidentStream(this.brokers, 'incidents.reported.v1');
    await this.stream.connect();
  }

  private startBroker(): Promise<{ pidFile: string }> {
    return localKafka.startLocalKafka({ brokers: this.brokers, dataDir: this.kafkaDir, heapMb: 512 });
  }

  /** A supporter pool large enough that nobody runs out of capacity, and one directory entry per clinician the stream names. */
  private async seed(): Promise<void> {
    const clinicians = Math.max(settings.clinicians, settings.incidents);
    await this.db.query(`
      INSERT INTO "matching"."supporters" ("id", "display_name", "profession", "training_expires_on", "max_open_cases", "channels")
      SELECT 'chaos-sup-' || i, 'Chaos Supporter ' || i, 'physician', '2099-12-31', 100,
             jsonb_build_array(jsonb_build_object('kind', 'sms', 'address', '+1555' || lpad(i::text, 7, '0')))
      FROM generate_series(1, $1) AS i`, [settings.supporters]);
    for (const [prefix, count] of [['CH', clinicians], ['CP', 200]] as const) {
      await this.db.query(`
        INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "facility")
        SELECT md5($2 || i)::uuid, 'Chaos Clinician ' || i, 'physician', 'chaos-general' FROM generate_series(0, $1 - 1) AS i`, [count, prefix]);
      await this.db.query(`
        INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id")
        SELECT 'urn:harbor:chaos', $2 || '-' || i, md5($2 || i)::uuid FROM generate_series(0, $1 - 1) AS i`, [count, prefix]);
    }
    say(`seeded ${settings.supporters} supporters and ${clinicians + 200} clinicians`);
  }

  async waitUntil(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  /** Connections to the run's database per application_name, the runner's own excluded. */
  async sampleConnections(label: string): Promise<ConnectionSample> {
    for (;;) {
      try {
        const { rows } = await this.admin.query(
          `SELECT coalesce(application_name, '') AS name, count(*)::int AS n FROM pg_stat_activity
           WHERE datname = $1 AND application_name <> 'harbor-chaos-runner' GROUP BY 1 ORDER BY 1`,
          [this.database.name],
        );
        const sample = { label, at: Date.now(), byApplication: Object.fromEntries(rows.map((row) => [row.name, row.n])) as Record<string, number> };
        this.connections.push(sample);
        return sample;
      } catch {
        await sleep(200);
      }
    }
  }

  /** The first time the provider accepted a page for the case opened for `clinician`, if it did. */
  async pagedAt(clinician: string): Promise<number | undefined> {
    const { rows } = await this.db.query(
      `SELECT a."id" FROM "matching"."cases" c JOIN "matching"."assignments" a ON a."case_id" = c."id"
       WHERE c."identifier_system" = 'urn:harbor:chaos' AND c."identifier_value" = $1`,
      [clinician],
    );
    const tokens = new Set(rows.map((row) => `${row.id}:sms`));
    const arrivals = this.twilio.messages.filter((message) => message.idempotencyToken && tokens.has(message.idempotencyToken)).map((message) => message.receivedAt);
    return arrivals.length > 0 ? Math.min(...arrivals) : undefined;
  }

  /** Whether reporting recorded the fact of the case opened for `clinician` (it keys facts by an HMAC of the case id). */
  async factRecorded(clinician: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT "id" FROM "matching"."cases" WHERE "identifier_system" = 'urn:harbor:chaos' AND "identifier_value" = $1`,
      [clinician],
    );
    if (rows.length === 0) return false;
    const { rows: facts } = await this.db.query(`SELECT 1 FROM "reporting"."case_facts" WHERE "case_key" = $1`, [caseKey(REPORTING_HASH_KEY, rows[0].id)]);
    return facts.length > 0;
  }

  /**
   * Recovery after a fault that ended at `t0`: the affected services answer on their port and are ready
   * (consumer group joined), and a probe incident produced at `t0` has been paged at the provider (and, for
   * reporting, counted in its facts). Recovery time is the latest of those, from `t0`.
   */
  async recover(name: string, t0: number, affected: readonly ChaosService[], extra: { probe?: string; downMs?: number } = {}): Promise<FaultResult> {
    const probe = extra.probe ?? (await this.stream.probe());
    const needsFact = affected.includes('reporting');
    let portAt: number | undefined;
    let readyAt: number | undefined;
    let pagedAt: number | undefined;
    let factAt: number | undefined;
    const deadline = t0 + GIVE_UP_MS;
    while (Date.now() < deadline) {
      if (portAt === undefined && (await Promise.all(affected.map((service) => this.services.portOpen(service)))).every(Boolean)) portAt = Date.now();
      if (readyAt === undefined && (await Promise.all(affected.map((service) => this.services.ready(service)))).every(Boolean)) readyAt = Date.now();
      if (pagedAt === undefined) pagedAt = await this.pagedAt(probe).catch(() => undefined);
      if (needsFact && factAt === undefined && (await this.factRecorded(probe).catch(() => false))) factAt = Date.now();
      if (portAt !== undefined && readyAt !== undefined && pagedAt !== undefined && (!needsFact || factAt !== undefined)) break;
      await sleep(100);
    }
    const since = (at: number | undefined) => (at === undefined ? undefined : Math.max(0, at - t0));
    const parts = [readyAt, pagedAt, ...(needsFact ? [factAt] : [])];
    const result: FaultResult = {
      name, startedAt: t0, loadAverage: loadavg()[0], downMs: extra.downMs, portMs: since(portAt), readyMs: since(readyAt), probePagedMs: since(pagedAt), factMs: needsFact ? since(factAt) : undefined,
      recoveryMs: parts.every((at) => at !== undefined) ? Math.max(...parts.map((at) => at! - t0)) : undefined,
    };
    this.faults.push(result);
    say(`  ${name}: recovered in ${result.recoveryMs === undefined ? 'NOT RECOVERED' : `${(result.recoveryMs / 1000).toFixed(1)} s`}`
      + ` (port ${fmt(result.portMs)}, ready ${fmt(result.readyMs)}, probe paged ${fmt(result.probePagedMs)}${needsFact ? `, fact ${fmt(result.factMs)}` : ''})`);
    await sleep(settings.settleMs);
    return result;
  }

  async killService(service: ChaosService): Promise<void> {
    const t0 = Date.now();
    await this.services.crash(service);
    this.services.start(service);
    await this.recover(`kill -9 ${service}`, t0, [service]);
  }

  /** kill -9 while a send is in flight: Twilio has accepted the message and the process dies before it learns so. */
  async killNotificationWhileSending(): Promise<void> {
    let crashedAt: number | undefined;
    this.twilio.onAccepted = async () => {
      if (crashedAt !== undefined) return;
      crashedAt = Date.now();
      await this.services.crash('notification');
    };
    await this.waitUntil(async () => crashedAt !== undefined, 'a send to kill notification during', 60_000);
    this.twilio.onAccepted = undefined;
    this.services.start('notification');
    await this.recover('kill -9 notification while it sends', crashedAt!, ['notification']);
  }

  /** kill -9, restart, and kill -9 again as soon as its port answers. */
  async killNotificationRightAfterRestart(): Promise<void> {
    await this.services.crash('notification');
    this.services.start('notification');
    await this.waitUntil(() => this.services.portOpen('notification'), 'notification to open its port', 60_000);
    const t0 = Date.now();
    await this.services.crash('notification');
    this.services.start('notification');
    await this.recover('kill -9 notification right after it came back', t0, ['notification']);
  }

  async restartBroker(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const stoppedAt = Date.now();
    await localKafka.stopLocalKafka(this.kafka!.pidFile, { signal });
    this.kafka = await this.startBroker();
    const t0 = Date.now();
    await this.recover(`broker restart (${signal === 'SIGTERM' ? 'SIGTERM' : 'kill -9'})`, t0, CHAOS_SERVICES, { downMs: t0 - stoppedAt });
  }

  async terminateConnections(round: number): Promise<void> {
    await this.sampleConnections(`before termination ${round}`);
    const t0 = Date.now();
    const { rows } = await this.admin.query(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) AS t`,
      [this.database.name],
    );
    say(`  terminated ${rows[0].n} connections`);
    await this.recover(`terminate every database connection (${round})`, t0, CHAOS_SERVICES);
    await this.sampleConnections(`after termination ${round}`);
  }

  /** 500s, then 429 with Retry-After, then down entirely, while the stream flows. */
  async providerFaults(): Promise<void> {
    const phase = settings.providerPhaseSeconds * 1000;
    const startedAt = Date.now();
    this.twilio.startOutage({ status: 500 });
    await sleep(phase);
    this.twilio.startOutage({ status: 429, headers: { 'retry-after': '5' } });
    await sleep(phase);
    this.twilio.startOutage({ status: 503, delayMs: 200 });
    await sleep(settings.providerOutageSeconds * 1000);
    this.twilio.endOutage();
    const t0 = Date.now();
    await this.recover(`provider 500s ${settings.providerPhaseSeconds} s, 429 ${settings.providerPhaseSeconds} s, down ${settings.providerOutageSeconds} s`, t0, ['notification'], {
      downMs: t0 - startedAt,
    });
  }

  /** The provider goes down while nothing else happens; one incident arrives during the outage. */
  async quietProviderOutage(): Promise<void> {
    const startedAt = Date.now();
    this.twilio.startOutage({ status: 503, delayMs: 200 });
    const probe = await this.stream.probe();
    await sleep(settings.providerOutageSeconds * 1000);
    this.twilio.endOutage();
    const t0 = Date.now();
    await this.recover(`provider down ${settings.providerOutageSeconds} s at a quiet time (one incident)`, t0, ['notification'], { probe, downMs: t0 - startedAt });
  }

  /** Until every incident produced has its page at the provider, or the drain times out. */
  async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const { rows } = await this.db.query(
        `SELECT count(DISTINCT c."identifier_value")::int AS n FROM "matching"."cases" c JOIN "matching"."assignments" a ON a."case_id" = c."id"
         WHERE c."identifier_system" = 'urn:harbor:chaos' AND a."id"::text || ':sms' = ANY($1)`,
        [[...new Set(this.twilio.messages.map((message) => message.idempotencyToken ?? ''))]],
      ).catch(() => ({ rows: [{ n: -1 }] }));
      const expected = new Set(this.stream.produced.map((incident) => incident.clinician)).size;
      if (rows[0].n >= expected) return;
      if (Date.now() > deadline) {
        say(`drain timed out: ${rows[0].n} of ${expected} incidents paged`);
        return;
      }
      await sleep(1000);
    }
  }

  async settle(): Promise<ReturnType<typeof settleLedger>> {
    const { rows: cases } = await this.db.query(
      `SELECT "identifier_value" AS "clinician", "id" AS "caseId", "status", "escalation_reason" AS "escalationReason"
       FROM "matching"."cases" WHERE "identifier_system" = 'urn:harbor:chaos'`,
    );
    const { rows: assignments } = await this.db.query(`SELECT "id", "case_id" AS "caseId", "status" FROM "matching"."assignments"`);
    return settleLedger(this.stream.produced, cases, assignments, this.twilio.messages);
  }

  /** Sends interrupted by a crash and settled afterwards: found at the provider (not sent again), or absent (sent). */
  async reconciliations(): Promise<Record<string, number>> {
    const { rows } = await this.db.query(
      `SELECT "reconciled", count(*)::int AS "n" FROM "notification"."delivery_attempts" WHERE "reconciled" IS NOT NULL GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.reconciled, row.n]));
  }

  async tearDown(): Promise<void> {
    await this.stream?.disconnect().catch(() => undefined);
    await this.services?.stopAll().catch(() => undefined);
    await this.twilio.stop().catch(() => undefined);
    if (this.kafka) await localKafka.stopLocalKafka(this.kafka.pidFile).catch(() => undefined);
    await this.db?.end().catch(() => undefined);
    await this.admin?.end().catch(() => undefined);
    if (this.database && !settings.keep) await this.database.drop().catch(() => undefined);
    rmSync(this.kafkaDir, { recursive: true, force: true });
  }
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}

async function idleConnections(run: ChaosRun, label: string): Promise<ConnectionSample> {
  // Pools keep what their periodic work uses; take the largest of a few samples a second apart.
  const samples: ConnectionSample[] = [];
  for (let index = 0; index < 5; index++) {
    samples.push(await run.sampleConnections(`${label} #${index + 1}`));
    await sleep(1000);
  }
  const byApplication: Record<string, number> = {};
  for (const sample of samples) for (const [name, n] of Object.entries(sample.byApplication)) byApplication[name] = Math.max(byApplication[name] ?? 0, n);
  return { label, at: Date.now(), byApplication };
}

async function main(): Promise<void> {
  const run = new ChaosRun();
  const started = Date.now();
  let exitCode = 1;
  // Ctrl-C: stop the services, the run's broker and its database rather than leave them behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void run.tearDown().finally(() => process.exit(130)));
  }
  try {
    await run.setUp();
    await sleep(3000);
    const baseline = await idleConnections(run, 'baseline (idle, before the stream)');
    say(`connections at baseline: ${JSON.stringify(baseline.byApplication)}`);
    say(`stream: ${settings.ratePerSecond} incidents/s, at least ${settings.incidents}`);
    run.stream.start(settings.ratePerSecond);
    await run.waitUntil(async () => run.twilio.messages.length >= 20, 'the first pages', 120_000);

    say('faults:');
    for (let round = 1; settings.faults.has('kills') && round <= settings.killsPerService; round++) {
      for (const service of CHAOS_SERVICES) {
        if (service === 'notification' && round === 2) await run.killNotificationWhileSending();
        else if (service === 'notification' && round === 3) await run.killNotificationRightAfterRestart();
        else await run.killService(service);
      }
    }
    if (settings.faults.has('broker')) {
      await run.restartBroker('SIGTERM');
      await run.restartBroker('SIGKILL');
    }
    if (settings.faults.has('database')) {
      await run.terminateConnections(1);
      await run.terminateConnections(2);
    }
    if (settings.faults.has('provider')) await run.providerFaults();

    say(`faults done; the stream runs until ${settings.incidents} incidents (${run.stream.streamedCount} so far)…`);
    await run.stream.stopAfter(settings.incidents);
    await run.drain();
    if (settings.faults.has('quiet')) {
      say('provider outage at a quiet time:');
      await run.quietProviderOutage();
      await run.drain();
    }
    // Late duplicates (a lease ending, a reconciliation) would arrive within a lease: wait longer than one.
    await sleep(20_000);
    const ledger = await run.settle();
    const end = await idleConnections(run, 'end (idle, after the run)');
    const report: ChaosReport = {
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown CPU', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`,
        node: process.version, kafka: localKafka.KAFKA_VERSION, date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      },
      settings,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      totals: ledger.totals,
      faults: run.faults,
      connections: { baseline, end, samples: run.connections.filter((sample) => sample.label.includes('termination')) },
      unplannedExits: Object.fromEntries(run.services.unplannedExits),
      providerRefusals: Object.fromEntries(run.twilio.refusedByStatus),
      reconciledSends: await run.reconciliations(),
      criteria: [],
    };
    report.criteria = judge(report, settings.recoveryLimitMs);
    const markdown = renderReport(report);
    // Only a run of every fault is the tier's result; a subset's report stays with its logs.
    const everyFault = ALL_FAULTS.every((fault) => settings.faults.has(fault));
    const out = everyFault ? join(ROOT, 'test', 'chaos', 'results') : run.runDir;
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'latest.json'), JSON.stringify({ ...report, outcomes: ledger.outcomes.filter((outcome) => outcome.pagedAt === undefined || outcome.duplicatePages > 0 || outcome.escalated) }, null, 2));
    writeFileSync(join(out, 'latest.md'), markdown);
    process.stdout.write(`\n${markdown}\nWritten to ${out}/latest.{json,md}; service logs in ${run.runDir}/logs.\n`);
    exitCode = report.criteria.every((criterion) => criterion.pass) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`chaos run failed: ${(error as Error).stack ?? error}\nservice logs in ${run.runDir}/logs\n`);
  } finally {
    await run.tearDown();
  }
  process.exit(exitCode);
}

main();
