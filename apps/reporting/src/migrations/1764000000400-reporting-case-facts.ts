import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pseudonymous facts, one row per case: a keyed hash instead of the case id, coarse attributes, times
 * truncated to the hour and durations in minutes. No names, contact details, or raw ids.
 */
export class ReportingCaseFacts1764000000400 implements MigrationInterface {
  name = 'ReportingCaseFacts1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "reporting"."case_facts" (
        "case_key" text PRIMARY KEY,
        "trigger_kind" text NOT NULL,
        "category" text NOT NULL,
        "harm_level" text,
        "facility" text NOT NULL,
        "profession_group" text,
        "requested_hour" timestamptz,
        "first_offer_hour" timestamptz,
        "accepted_hour" timestamptz,
        "escalated_hour" timestamptz,
        "closed_hour" timestamptz,
        "offers" int NOT NULL DEFAULT 0,
        "minutes_to_first_offer" int,
        "minutes_to_accept" int,
        "status" text NOT NULL
      )`);
    await runner.query(`CREATE INDEX "case_facts_requested" ON "reporting"."case_facts" ("requested_hour")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "reporting"."case_facts"`);
  }
}
