import { MigrationInterface, QueryRunner } from 'typeorm';

/** The clinician directory, the supporter roster, cases and the offers made for them. */
export class MatchingDirectoryAndCases1764000000200 implements MigrationInterface {
  name = 'MatchingDirectoryAndCases1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "matching"."clinicians" (
        "id" uuid PRIMARY KEY,
        "display_name" text NOT NULL,
        "profession" text NOT NULL,
        "department" text,
        "facility" text,
        "phone" text,
        "email" text,
        "opted_out" boolean NOT NULL DEFAULT false,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "matching"."clinician_identifiers" (
        "system" text NOT NULL,
        "value" text NOT NULL,
        "clinician_id" uuid NOT NULL REFERENCES "matching"."clinicians" ("id") ON DELETE CASCADE,
        PRIMARY KEY ("system", "value")
      )`);
    await runner.query(`
      CREATE TABLE "matching"."supporters" (
        "id" text PRIMARY KEY,
        "clinician_id" uuid REFERENCES "matching"."clinicians" ("id") ON DELETE SET NULL,
        "display_name" text NOT NULL,
        "profession" text NOT NULL,
        "department" text,
        "facility" text,
        "status" text NOT NULL DEFAULT 'active',
        "training_expires_on" date NOT NULL,
        "max_open_cases" int NOT NULL DEFAULT 2,
        "open_cases" int NOT NULL DEFAULT 0,
        "last_assigned_at" timestamptz,
        "channels" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "supporters_capacity" CHECK ("open_cases" >= 0 AND "open_cases" <= "max_open_cases")
      )`);
    await runner.query(`
      CREATE INDEX "supporters_matchable" ON "matching"."supporters" ("open_cases", "last_assigned_at")
      WHERE "status" = 'active'`);
    await runner.query(`
      CREATE TABLE "matching"."cases" (
        "id" uuid PRIMARY KEY,
        "request_id" uuid NOT NULL UNIQUE,
        "clinician_id" uuid REFERENCES "matching"."clinicians" ("id") ON DELETE SET NULL,
        "identifier_system" text NOT NULL,
        "identifier_value" text NOT NULL,
        "trigger_kind" text NOT NULL,
        "category" text NOT NULL,
        "harm_level" text,
        "event_occurred_at" timestamptz NOT NULL,
        "facility" text NOT NULL,
        "department" text,
        "status" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "matching"."assignments" (
        "id" uuid PRIMARY KEY,
        "case_id" uuid NOT NULL REFERENCES "matching"."cases" ("id") ON DELETE CASCADE,
        "supporter_id" text NOT NULL REFERENCES "matching"."supporters" ("id"),
        "attempt" int NOT NULL,
        "status" text NOT NULL,
        "reasons" jsonb NOT NULL,
        "offered_at" timestamptz NOT NULL DEFAULT now(),
        "respond_by" timestamptz NOT NULL,
        "responded_at" timestamptz,
        CONSTRAINT "assignments_one_per_attempt" UNIQUE ("case_id", "attempt")
      )`);
    await runner.query(`CREATE INDEX "assignments_by_supporter" ON "matching"."assignments" ("supporter_id", "status")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['assignments', 'cases', 'supporters', 'clinician_identifiers', 'clinicians']) {
      await runner.query(`DROP TABLE "matching"."${table}"`);
    }
  }
}
