// Matching decision benchmark: 5,000 supporters and 50,000 clinicians in a fresh database, then cases opened
// the way the SupportRequested handler opens them (directory lookup, case row, policy decision, capacity
// reservation, offer, deadlines, outbox rows, commit), without Kafka. Prints p50/p99 per decision, cases/s
// with concurrent workers, then times second requests absorbed into open cases, and checks the query plans of
// every per-case statement for sequential scans.
//
//   npm run build && node -r ./scripts/register-paths.js dist/bench/matching-decision.js
//
// Settings (environment): MATCHING_BENCH_SUPPORTERS (5000), MATCHING_BENCH_CLINICIANS (50000),
// MATCHING_BENCH_CASES per phase (400), MATCHING_BENCH_WORKERS for the throughput phase (4), DATABASE_URL;
// MATCHING_BENCH_KEEP_DB=1 keeps the generated database for inspection.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { loadConfig } from '@harbor/config';
import { messagingMigrations, OutboxWriter, TopicNames } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { createScratchDatabase, createServiceDataSource, migrateServiceSchema } from '@harbor/persistence';
import { AbsorptionReport } from '../apps/matching/src/cases/absorption-report';
import { AssignmentStore } from '../apps/matching/src/cases/assignment-store';
import { loadCandidates } from '../apps/matching/src/cases/candidate-pool';
import { CaseRecords } from '../apps/matching/src/cases/case-records';
import { CaseStore } from '../apps/matching/src/cases/case-store';
import { DeadlineStore } from '../apps/matching/src/cases/deadline-store';
import { EscalateCase } from '../apps/matching/src/cases/escalate-case.usecase';
import { ProgramStaffStore } from '../apps/matching/src/roster/program-staff-store';
import { OfferNextSupporter } from '../apps/matching/src/cases/offer-next-supporter.usecase';
import { OfferGroupDebrief } from '../apps/matching/src/debriefs/offer-group-debrief.usecase';
import { GroupDebriefStore } from '../apps/matching/src/debriefs/group-debrief-store';
import { OpenCase } from '../apps/matching/src/cases/open-case.usecase';
import { WithdrawOrFlagInvolvedOffers } from '../apps/matching/src/cases/withdraw-or-flag-involved-offers.usecase';
import { MatchingEnv } from '../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../apps/matching/src/migrations';
import { decide } from '../apps/matching/src/policy/matching-decision';
import { DepartmentRule } from '../apps/matching/src/policy/policy';
import { ProgramPolicies } from '../apps/matching/src/policy/program-policies';
import { candidateFirstPagesSql, candidatePageSql, SupporterStore } from '../apps/matching/src/roster/supporter-store';
import { summarize } from './latency-stats';
import { defaultPolicy, PolicyDefaults } from '../apps/matching/src/matching.settings';

const SUPPORTERS = Number(process.env.MATCHING_BENCH_SUPPORTERS ?? 5000);
const CLINICIANS = Number(process.env.MATCHING_BENCH_CLINICIANS ?? 50000);
const CASES = Number(process.env.MATCHING_BENCH_CASES ?? 400);
const WORKERS = Number(process.env.MATCHING_BENCH_WORKERS ?? 4);
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PROFESSIONS = ['nurse', 'physician', 'pharmacist', 'resident', 'therapist'];
const DEPARTMENTS = Array.from({ length: 20 }, (_, index) => `dept-${index}`);
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'UTC'];
const say = (line: string) => process.stdout.write(`${line}\n`);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** The directory and roster, generated in SQL: professions, departments, languages, time zones, schedules, exclusions. */
async function seed(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "department", "facility", "phone", "languages")
     SELECT md5('c' || i)::uuid, 'Clinician ' || i, ($1::text[])[1 + i % 5], ($2::text[])[1 + i % 20], 'general', NULL,
            CASE WHEN i % 10 = 0 THEN ARRAY['es'] ELSE ARRAY['en'] END
     FROM generate_series(1, $3) AS i`,
    [PROFESSIONS, DEPARTMENTS, CLINICIANS],
  );
  await db.query(
    `INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id")
     SELECT 'urn:bench:employee', 'C-' || i, md5('c' || i)::uuid FROM generate_series(1, $1) AS i`,
    [CLINICIANS],
  );
  // Every 10th supporter is also a clinician in the directory (so "is the clinician" and "involved" are exercised).
  await db.query(
    `INSERT INTO "matching"."supporters" ("id", "clinician_id", "display_name", "profession", "department", "facility", "status",
       "training_expires_on", "max_open_cases", "channels", "languages", "time_zone")
     SELECT 'sup-' || i, CASE WHEN i % 10 = 0 THEN md5('c' || i)::uuid END, 'Supporter ' || i, ($1::text[])[1 + h % 5],
            ($2::text[])[1 + (h / 5) % 20], 'general', CASE WHEN (h / 100) % 20 = 0 THEN 'paused' ELSE 'active' END,
            CASE WHEN (h / 2000) % 33 = 0 THEN current_date - 1 ELSE current_date + 365 END, 2 + (h / 66000) % 3,
            '[{"kind":"console","address":""}]'::jsonb,
            CASE WHEN (h / 198000) % 4 = 0 THEN ARRAY['en', 'es'] ELSE ARRAY['en'] END, ($3::text[])[1 + (h / 792000) % 5]
     FROM (SELECT i, ('x' || substr(md5('s' || i), 1, 7))::bit(28)::int AS h FROM generate_series(1, $4) AS i) AS generated`,
    [PROFESSIONS, DEPARTMENTS, ZONES, SUPPORTERS],
  );
  // Attributes come from independent slices of a hash of the id, so no two are correlated by construction.
  // 30% keep a weekday 08:00–18:00 schedule in their own time zone; 2% are away right now.
  await db.query(
    `UPDATE "matching"."supporters" SET "schedule" = '[[1,480,1080],[2,480,1080],[3,480,1080],[4,480,1080],[5,480,1080]]'
     WHERE ('x' || substr(md5('t' || "id"), 1, 7))::bit(28)::int % 10 < 3`,
  );
  await db.query(
    `INSERT INTO "matching"."supporter_unavailability" ("id", "supporter_id", "starts_at", "ends_at")
     SELECT md5('u' || i)::uuid, 'sup-' || i, now() - interval '1 day', now() + interval '7 days' FROM generate_series(1, $1) AS i WHERE i % 50 = 7`,
    [SUPPORTERS],
  );
  await db.transaction((manager) => new SupporterStore(db).refreshAvailability(manager));
  await db.query(`ANALYZE`);
}

/**
 * A request for a clinician of its own: indexes below CLINICIANS map to distinct clinicians (7919 is prime to
 * any directory size without the factor 7919), so no request is absorbed into an earlier, still open case.
 */
function request(index: number): SupportRequestedV1 {
  const clinician = 1 + ((index * 7919) % CLINICIANS);
  return {
    requestId: randomUUID(),
    clinician: { system: 'urn:bench:employee', value: `C-${clinician}` },
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
    facility: 'general',
    requestedAt: new Date().toISOString(),
    eventKey: `event-${Math.floor(index / 2)}`,
  };
}

interface Phase {
  name: string;
  departmentRule: DepartmentRule;
  decisionMs: number[];
  caseMs: number[];
  offered: number;
  escalated: number;
}

/** Frees every reservation between phases so each phase starts from the same roster load. */
async function resetLoad(db: DataSource): Promise<void> {
  await db.query(`UPDATE "matching"."supporters" SET "open_cases" = 0, "cases_in_month" = 0, "last_severe_accepted_at" = NULL`);
  await db.query(`UPDATE "matching"."assignments" SET "status" = 'expired' WHERE "status" = 'offered'`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const database = await createScratchDatabase(BASE_URL, 'harbor_bench_matching');
  const env = loadConfig(MatchingEnv, { DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const db = createServiceDataSource({
    url: database.url,
    schema: 'matching',
    migrations: [...messagingMigrations('matching'), ...MATCHING_MIGRATIONS],
    poolSize: WORKERS + 2,
  });
  const result: Record<string, unknown> = {};
  try {
    await migrateServiceSchema(db, 'matching');
    let start = process.hrtime.bigint();
    await seed(db);
    const seedMs = ms(start);
    say(`seeded ${CLINICIANS} clinicians and ${SUPPORTERS} supporters in ${(seedMs / 1000).toFixed(1)} s`);

    const logger = createLogger('matching-bench', 'silent');
    const outbox = new OutboxWriter('matching', 'harbor/matching', new TopicNames(''));
    const policies = new ProgramPolicies(new PolicyDefaults(defaultPolicy(env)), db);
    const cases = new CaseStore();
    const assignments = new AssignmentStore();
    const deadlines = new DeadlineStore(db);
    const supporters = new SupporterStore(db);
    const records = new CaseRecords(outbox, cases, assignments, supporters);
    const escalate = new EscalateCase(outbox, policies, logger, new ProgramStaffStore(db), records, cases, assignments, deadlines);
    const offer = new OfferNextSupporter(policies, escalate, records, cases, assignments, supporters);
    const groupDebriefs = new OfferGroupDebrief(outbox, policies, new ProgramStaffStore(db), new GroupDebriefStore(), logger);
    const withdraw = new WithdrawOrFlagInvolvedOffers(cases, assignments, records, offer, escalate, logger);
    const openCase = new OpenCase(policies, offer, escalate, new AbsorptionReport(logger), records, cases, deadlines, groupDebriefs, withdraw);

    /** Opens one case in its own transaction: the whole decision as the Kafka handler runs it. Returns ms. */
    const handle = async (index: number) => {
      const begin = process.hrtime.bigint();
      const caseId = await db.transaction((manager) => openCase.execute(manager, request(index)));
      return { ms: ms(begin), caseId };
    };

    const phases: Phase[] = [];
    for (const departmentRule of ['any', 'prefer', 'avoid'] as DepartmentRule[]) {
      await db.query(
        `INSERT INTO "matching"."program_policies" ("program", "policy", "updated_by") VALUES ('default', $1, 'bench')
         ON CONFLICT ("program") DO UPDATE SET "policy" = $1`,
        [JSON.stringify({ departmentRule })],
      );
      await resetLoad(db);
      const phase: Phase = { name: `department ${departmentRule}`, departmentRule, decisionMs: [], caseMs: [], offered: 0, escalated: 0 };
      for (let index = 0; index < CASES; index++) {
        const { ms: caseMs } = await handle(phases.length * CASES + index);
        phase.caseMs.push(caseMs);
      }
      // The policy decision alone (candidate reads through the pool indexes + pure ranking), on fresh cases.
      const policy = await policies.policyOf(db.manager, 'default');
      for (let index = 0; index < Math.min(CASES, 500); index++) {
        const { caseId } = await handle(CASES * 3 + phases.length * CASES + index);
        const begin = process.hrtime.bigint();
        await db.transaction(async (manager: EntityManager) => {
          const kase = (await cases.loadForUpdate(manager, caseId!))!;
          const context = { clinicianId: kase.clinicianId, profession: kase.clinicianProfession, department: kase.clinicianDepartment,
            languages: kase.clinicianLanguages ?? [], involvedClinicianIds: [], alreadyOffered: [] };
          const now = new Date();
          decide(await loadCandidates(supporters, manager, 'default', context, policy, now), context, policy, now);
        });
        phase.decisionMs.push(ms(begin));
      }
      const [counts] = await db.query(
        `SELECT count(*) FILTER (WHERE "status" = 'offered')::int AS offered, count(*) FILTER (WHERE "status" = 'escalated')::int AS escalated
         FROM "matching"."cases"`,
      );
      phase.offered = counts.offered;
      phase.escalated = counts.escalated;
      phases.push(phase);
      say(`phase ${phase.name}: done at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    // Sustained throughput: WORKERS concurrent handlers, as several partitions or replicas would run.
    await resetLoad(db);
    await db.query(`UPDATE "matching"."program_policies" SET "policy" = '{}'`);
    let next = 0;
    const total = CASES * 2;
    start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (next < total) await handle(CASES * 6 + next++);
    }));
    const throughputMs = ms(start);
    say(`throughput phase: done at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const casesPerSecond = total / (throughputMs / 1000);
    const [load] = await db.query(`SELECT max("open_cases" - "max_open_cases")::int AS over FROM "matching"."supporters"`);

    // Absorption: a second request for clinicians of the throughput phase, whose cases are all still open.
    const absorbMs: number[] = [];
    for (let index = 0; index < CASES; index++) absorbMs.push((await handle(CASES * 6 + index)).ms);
    const [{ absorbed }] = await db.query(`SELECT count(*)::int AS absorbed FROM "matching"."absorbed_requests"`);
    const absorption = summarize(absorbMs);
    say(`absorption phase: done at ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Fresh statistics after the phases, as autovacuum would have them (absorbed_requests was empty at the seed).
    await db.query(`ANALYZE`);
    const plans = await checkPlans(db);

    say('');
    say('| phase | cases | p50 case ms | p99 case ms | p50 decision ms | p99 decision ms |');
    say('|---|---|---|---|---|---|');
    for (const phase of phases) {
      const caseStats = summarize(phase.caseMs);
      const decisionStats = summarize(phase.decisionMs);
      say(`| ${phase.name} | ${caseStats.count} | ${caseStats.p50.toFixed(2)} | ${caseStats.p99.toFixed(2)} | ${decisionStats.p50.toFixed(2)} | ${decisionStats.p99.toFixed(2)} |`);
    }
    say('');
    say(`throughput: ${total} cases with ${WORKERS} concurrent workers in ${(throughputMs / 1000).toFixed(1)} s = ${casesPerSecond.toFixed(0)} cases/s; most over capacity: ${load.over} (≤ 0 expected)`);
    say(`absorption: ${absorbed} of ${CASES} second requests absorbed into the open case (all expected), p50 ${absorption.p50.toFixed(2)} ms, p99 ${absorption.p99.toFixed(2)} ms`);
    say('');
    say('| statement | plan nodes | sequential scans |');
    say('|---|---|---|');
    for (const plan of plans) say(`| ${plan.statement} | ${plan.nodes.join(' → ')} | ${plan.seqScans.length ? plan.seqScans.join(', ') : 'none'} |`);

    Object.assign(result, {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      roster: { supporters: SUPPORTERS, clinicians: CLINICIANS },
      seedMs,
      phases: phases.map((phase) => ({ name: phase.name, case: summarize(phase.caseMs), decision: summarize(phase.decisionMs) })),
      throughput: { cases: total, workers: WORKERS, seconds: throughputMs / 1000, casesPerSecond, maxOverCapacity: load.over },
      absorption: { requests: CASES, absorbed, ms: absorption },
      plans,
      totalSeconds: (Date.now() - started) / 1000,
    });
    const out = path.resolve(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'matching-decision.json'), `${JSON.stringify(result, null, 2)}\n`);
    say(`\nwritten to bench/results/matching-decision.json (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
    if (plans.some((plan) => plan.seqScans.length > 0) || load.over > 0 || absorbed !== CASES) process.exitCode = 1;
  } finally {
    if (db.isInitialized) await db.destroy();
    if (process.env.MATCHING_BENCH_KEEP_DB === '1') say(`kept database ${database.url}`);
    else await database.drop();
  }
}

interface PlanCheck {
  statement: string;
  nodes: string[];
  seqScans: string[];
}

/** EXPLAIN ANALYZE of each statement a decision runs per case; any Seq Scan on a table is reported. */
async function checkPlans(db: DataSource): Promise<PlanCheck[]> {
  const [kase] = await db.query(`SELECT "id", "event_key", "clinician_id" FROM "matching"."cases" ORDER BY "created_at" DESC LIMIT 1`);
  const allTiers = [{ department: 'dept-3', profession: 'nurse' }, { department: 'dept-3' }, { profession: 'nurse' }, {}];
  // With every row filter a decision applies (training, capacity, care for the carers: rest and monthly cap).
  const now = new Date();
  const firstPages = candidateFirstPagesSql('default', allTiers, {
    trainedOn: now.toISOString().slice(0, 10), restedSince: new Date(now.getTime() - 48 * 3_600_000), monthlyCap: { month: now.toISOString().slice(0, 7), cap: 4 },
  });
  const nextPage = (tier: (typeof allTiers)[number]) => candidatePageSql('default', tier, 16);
  const statements: [string, string, unknown[]][] = [
    ['directory lookup', `SELECT i."clinician_id", c."opted_out" FROM "matching"."clinician_identifiers" i
       JOIN "matching"."clinicians" c ON c."id" = i."clinician_id" WHERE i."system" = $1 AND i."value" = $2`, ['urn:bench:employee', 'C-4242']],
    ['request already handled', `SELECT EXISTS (SELECT 1 FROM "matching"."cases" WHERE "request_id" = $1)
       OR EXISTS (SELECT 1 FROM "matching"."absorbed_requests" WHERE "request_id" = $1) AS "handled"`, [randomUUID()]],
    ['open case of the clinician', `SELECT c."id", c."status" FROM "matching"."cases" c
       WHERE c."clinician_id" = $1 AND c."status" NOT IN ('closed', 'declined-by-clinician') ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1`, [kase.clinician_id]],
    ['open case of an unknown identifier', `SELECT c."id", c."status" FROM "matching"."cases" c
       WHERE c."clinician_id" IS NULL AND c."identifier_system" = $1 AND c."identifier_value" = $2
         AND c."status" NOT IN ('closed', 'declined-by-clinician') ORDER BY c."created_at" DESC, c."id" DESC LIMIT 1`, ['urn:bench:employee', 'X-1']],
    ['program for facility', `SELECT "program" FROM "matching"."program_policies" WHERE $1 = ANY("facilities") ORDER BY "program" LIMIT 1`, ['general']],
    ['case for update', `SELECT c.*, cl."profession" FROM "matching"."cases" c LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id"
       WHERE c."id" = $1 FOR UPDATE OF c`, [kase.id]],
    ['previous offers', `SELECT "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1`, [kase.id]],
    ['involved in event', `SELECT DISTINCT "clinician_id" FROM "matching"."cases" WHERE "event_key" = $1 AND "clinician_id" IS NOT NULL AND "id" <> $2`, [kase.event_key, kase.id]],
    ['candidates: first pages of all tiers', firstPages.sql, firstPages.params],
    ['candidates: next page, anyone', nextPage({}).sql, nextPage({}).params],
    ['candidates: next page, profession', nextPage({ profession: 'nurse' }).sql, nextPage({ profession: 'nurse' }).params],
    ['candidates: next page, department', nextPage({ department: 'dept-3' }).sql, nextPage({ department: 'dept-3' }).params],
    ['candidates: next page, department + profession', nextPage(allTiers[0]).sql, nextPage(allTiers[0]).params],
    ['reserve capacity', `SELECT "id" FROM "matching"."supporters" WHERE "id" = $1 AND "open_cases" < "max_open_cases" AND "status" = 'active'
       AND NOT "opted_out" FOR UPDATE SKIP LOCKED`, ['sup-17']],
    ['due deadlines', `SELECT "id", "case_id" FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now() ORDER BY "due_at" LIMIT 100`, []],
  ];
  // The planner rightly reads a table of a few pages whole whatever its indexes (absorbed_requests after a short run).
  const tiny: { relname: string }[] = await db.query(
    `SELECT "relname" FROM pg_class WHERE "relnamespace" = 'matching'::regnamespace AND "relkind" = 'r' AND "relpages" < 8`,
  );
  const readWhole = new Set(['program_policies', ...tiny.map((row) => row.relname)]);
  const checks: PlanCheck[] = [];
  for (const [statement, sql, params] of statements) {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      const [row] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const nodes: string[] = [];
      const seqScans: string[] = [];
      const walk = (node: Record<string, unknown>) => {
        const label = `${node['Node Type']}${node['Index Name'] ? ` (${node['Index Name']})` : node['Relation Name'] ? ` (${node['Relation Name']})` : ''}`;
        nodes.push(label);
        // program_policies holds one row per program: a scan of it is not a scan of the roster or the directory.
        if (node['Node Type'] === 'Seq Scan' && !readWhole.has(String(node['Relation Name']))) seqScans.push(String(node['Relation Name']));
        for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((row['QUERY PLAN'] ?? row)[0]['Plan']);
      checks.push({ statement, nodes, seqScans });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
  return checks;
}

main().catch((error) => {
  process.stderr.write(`matching benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
