import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4: programs and their policies, program staff, supporters' availability and training records,
 * clinicians' languages, stored deadlines, case outcomes and the indexes a matching decision reads through.
 */
export class MatchingPolicyRosterDeadlines1764000000400 implements MigrationInterface {
  name = 'MatchingPolicyRosterDeadlines1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "matching"."clinicians" ADD COLUMN "languages" text[] NOT NULL DEFAULT '{}'`);

    await runner.query(`
      ALTER TABLE "matching"."supporters"
        ADD COLUMN "program" text NOT NULL DEFAULT 'default',
        ADD COLUMN "languages" text[] NOT NULL DEFAULT '{}',
        ADD COLUMN "time_zone" text NOT NULL DEFAULT 'UTC',
        ADD COLUMN "opted_out" boolean NOT NULL DEFAULT false,
        ADD COLUMN "schedule" jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN "unavailable" jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN "available_now" boolean NOT NULL DEFAULT true,
        ALTER COLUMN "training_expires_on" DROP NOT NULL`);
    // "schedule" holds the weekly windows as [ISO day, start minute, end minute] triples in the supporter's time zone;
    // "unavailable" is a copy of the supporter's current and future ad-hoc periods ([from, until] pairs), kept in
    // step with supporter_unavailability, so a decision reads each candidate with one index scan and no subqueries.
    // "available_now" caches both at the scheduler's last refresh (at most MATCHING_AVAILABILITY_REFRESH_SECONDS old), so
    // the pool indexes hold only supporters who are on call; the policy re-checks availability at the decision's time.
    // The spine's index is replaced by per-program ones that match the decision's three orderings.
    await runner.query(`DROP INDEX "matching"."supporters_matchable"`);
    for (const [name, columns] of [
      ['supporters_pool_by_load', `"program", "open_cases", "last_assigned_at" NULLS FIRST, "id"`],
      ['supporters_pool_by_profession', `"program", lower("profession"), "open_cases", "last_assigned_at" NULLS FIRST, "id"`],
      ['supporters_pool_by_department', `"program", lower("department"), "open_cases", "last_assigned_at" NULLS FIRST, "id"`],
    ]) {
      await runner.query(`CREATE INDEX "${name}" ON "matching"."supporters" (${columns}) WHERE "status" = 'active' AND NOT "opted_out" AND "available_now"`);
    }
    await runner.query(`CREATE INDEX "supporters_by_clinician" ON "matching"."supporters" ("clinician_id")`);

    await runner.query(`
      CREATE TABLE "matching"."supporter_unavailability" (
        "id" uuid PRIMARY KEY,
        "supporter_id" text NOT NULL REFERENCES "matching"."supporters" ("id") ON DELETE CASCADE,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        CHECK ("starts_at" < "ends_at")
      )`);
    await runner.query(`CREATE INDEX "supporter_unavailability_current" ON "matching"."supporter_unavailability" ("supporter_id", "ends_at")`);
    await runner.query(`
      CREATE TABLE "matching"."training_records" (
        "id" uuid PRIMARY KEY,
        "supporter_id" text NOT NULL REFERENCES "matching"."supporters" ("id") ON DELETE CASCADE,
        "course" text NOT NULL,
        "completed_on" date NOT NULL,
        "expires_on" date NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "training_records_by_supporter" ON "matching"."training_records" ("supporter_id")`);

    await runner.query(`
      CREATE TABLE "matching"."program_policies" (
        "program" text PRIMARY KEY,
        "facilities" text[] NOT NULL DEFAULT '{}',
        "policy" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "updated_by" text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE "matching"."program_staff" (
        "id" text PRIMARY KEY,
        "program" text NOT NULL,
        "role" text NOT NULL,
        "display_name" text NOT NULL,
        "channels" jsonb NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "program_staff_by_role" ON "matching"."program_staff" ("program", "role") WHERE "active"`);

    await runner.query(`
      ALTER TABLE "matching"."cases"
        ADD COLUMN "program" text NOT NULL DEFAULT 'default',
        ADD COLUMN "event_key" text,
        ADD COLUMN "accepted_at" timestamptz,
        ADD COLUMN "contacted_at" timestamptz,
        ADD COLUMN "closed_at" timestamptz,
        ADD COLUMN "escalation_reason" text,
        ADD COLUMN "fallback_resource" text,
        ADD COLUMN "outcome" jsonb,
        ADD COLUMN "follow_ups_done" int NOT NULL DEFAULT 0,
        ADD COLUMN "census" jsonb`);
    await runner.query(`CREATE INDEX "cases_by_event" ON "matching"."cases" ("event_key") WHERE "event_key" IS NOT NULL`);
    await runner.query(`CREATE INDEX "cases_by_status" ON "matching"."cases" ("status", "created_at" DESC)`);
    await runner.query(`CREATE INDEX "cases_by_created" ON "matching"."cases" ("created_at" DESC)`);

    await runner.query(`
      ALTER TABLE "matching"."assignments"
        ADD COLUMN "considered" int,
        ADD COLUMN "excluded" jsonb,
        ADD COLUMN "closed_reason" text`);
    // At most one open offer per case, whatever the replicas do.
    await runner.query(`CREATE UNIQUE INDEX "assignments_one_open_per_case" ON "matching"."assignments" ("case_id") WHERE "status" = 'offered'`);
    await runner.query(`CREATE INDEX "assignments_by_case" ON "matching"."assignments" ("case_id", "attempt")`);

    await runner.query(`
      CREATE TABLE "matching"."deadlines" (
        "id" uuid PRIMARY KEY,
        "kind" text NOT NULL,
        "case_id" uuid NOT NULL REFERENCES "matching"."cases" ("id") ON DELETE CASCADE,
        "assignment_id" uuid,
        "sequence" int,
        "due_at" timestamptz NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "settled_at" timestamptz
      )`);
    await runner.query(`CREATE INDEX "deadlines_due" ON "matching"."deadlines" ("due_at") WHERE "status" = 'pending'`);
    await runner.query(`CREATE INDEX "deadlines_by_case" ON "matching"."deadlines" ("case_id") WHERE "status" = 'pending'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['deadlines', 'program_staff', 'program_policies', 'training_records', 'supporter_unavailability']) {
      await runner.query(`DROP TABLE "matching"."${table}"`);
    }
    await runner.query(`DROP INDEX "matching"."assignments_one_open_per_case"`);
    await runner.query(`DROP INDEX "matching"."assignments_by_case"`);
    await runner.query(`ALTER TABLE "matching"."assignments" DROP COLUMN "considered", DROP COLUMN "excluded", DROP COLUMN "closed_reason"`);
    await runner.query(`DROP INDEX "matching"."cases_by_event"`);
    await runner.query(`DROP INDEX "matching"."cases_by_status"`);
    await runner.query(`DROP INDEX "matching"."cases_by_created"`);
    await runner.query(`
      ALTER TABLE "matching"."cases" DROP COLUMN "program", DROP COLUMN "event_key", DROP COLUMN "accepted_at", DROP COLUMN "contacted_at",
        DROP COLUMN "closed_at", DROP COLUMN "escalation_reason", DROP COLUMN "fallback_resource", DROP COLUMN "outcome", DROP COLUMN "follow_ups_done", DROP COLUMN "census"`);
    for (const name of ['supporters_pool_by_load', 'supporters_pool_by_profession', 'supporters_pool_by_department', 'supporters_by_clinician']) {
      await runner.query(`DROP INDEX "matching"."${name}"`);
    }
    await runner.query(`
      ALTER TABLE "matching"."supporters" DROP COLUMN "program", DROP COLUMN "languages", DROP COLUMN "time_zone", DROP COLUMN "opted_out",
        DROP COLUMN "schedule", DROP COLUMN "unavailable", DROP COLUMN "available_now"`);
    await runner.query(`CREATE INDEX "supporters_matchable" ON "matching"."supporters" ("open_cases", "last_assigned_at") WHERE "status" = 'active'`);
    await runner.query(`ALTER TABLE "matching"."clinicians" DROP COLUMN "languages"`);
  }
}
