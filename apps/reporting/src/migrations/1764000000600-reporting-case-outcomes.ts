import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the program metrics need beyond the first facts, still pseudonymous and coarse: the supporter as a
 * keyed hash, durations in minutes, outcome flags and referral types (no free text, no resource names),
 * and the publication bookkeeping for support.metrics.v1.
 */
export class ReportingCaseOutcomes1764000000600 implements MigrationInterface {
  name = 'ReportingCaseOutcomes1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "reporting"."case_facts"
        ADD COLUMN "department" text,
        ADD COLUMN "opened_hour" timestamptz,
        ADD COLUMN "supporter_key" text,
        ADD COLUMN "minutes_to_request" int,
        ADD COLUMN "minutes_to_last_offer" int,
        ADD COLUMN "minutes_offer_to_accept" int,
        ADD COLUMN "minutes_to_contact" int,
        ADD COLUMN "reached" boolean NOT NULL DEFAULT false,
        ADD COLUMN "clinician_declined" boolean NOT NULL DEFAULT false,
        ADD COLUMN "referrals" text[] NOT NULL DEFAULT '{}',
        ADD COLUMN "follow_ups_completed" int NOT NULL DEFAULT 0,
        ADD COLUMN "escalation_reason" text,
        ADD COLUMN "fallback_offered" boolean NOT NULL DEFAULT false`);
    await runner.query(`
      UPDATE "reporting"."case_facts"
         SET "opened_hour" = COALESCE("requested_hour", "first_offer_hour", "accepted_hour", "escalated_hour", "closed_hour", date_trunc('hour', now()))`);
    await runner.query(`ALTER TABLE "reporting"."case_facts" ALTER COLUMN "opened_hour" SET NOT NULL`);
    await runner.query(`CREATE INDEX "case_facts_opened" ON "reporting"."case_facts" ("opened_hour")`);
    await runner.query(`
      CREATE TABLE "reporting"."publication_state" (
        "id" text PRIMARY KEY,
        "last_published_at" timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "reporting"."publication_state"`);
    await runner.query(`DROP INDEX "reporting"."case_facts_opened"`);
    await runner.query(`
      ALTER TABLE "reporting"."case_facts"
        DROP COLUMN "department", DROP COLUMN "opened_hour", DROP COLUMN "supporter_key", DROP COLUMN "minutes_to_request",
        DROP COLUMN "minutes_to_last_offer", DROP COLUMN "minutes_offer_to_accept", DROP COLUMN "minutes_to_contact", DROP COLUMN "reached",
        DROP COLUMN "clinician_declined", DROP COLUMN "referrals", DROP COLUMN "follow_ups_completed", DROP COLUMN "escalation_reason",
        DROP COLUMN "fallback_offered"`);
  }
}
