import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group debriefs as their own kind of fact: one row per debrief, keyed by an HMAC of its id (never the id),
 * with the facility, the hour it was offered (the period anchor), its status and, once held, the attendance
 * band. No unit, no event, no clinician.
 */
export class ReportingDebriefFacts1764000190100 implements MigrationInterface {
  name = 'ReportingDebriefFacts1764000190100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "reporting"."debrief_facts" (
         "debrief_key" text PRIMARY KEY,
         "facility" text NOT NULL,
         "opened_hour" timestamptz NOT NULL,
         "status" text NOT NULL CHECK ("status" IN ('offered', 'held', 'declined')),
         "attendance_band" text CHECK ("attendance_band" IN ('2-4', '5-9', '10+'))
       )`,
    );
    await runner.query(`CREATE INDEX "debrief_facts_by_hour" ON "reporting"."debrief_facts" ("opened_hour")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "reporting"."debrief_facts"`);
  }
}
