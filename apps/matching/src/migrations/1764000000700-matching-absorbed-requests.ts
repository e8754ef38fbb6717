import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One clinician, several triggers: requests absorbed into the clinician's open case instead of opening another,
 * and the indexes that find a clinician's open case. An absorbed request keeps the trigger's coarse attributes
 * only: no free text, and no clinician identifier (the case holds it).
 */
export class MatchingAbsorbedRequests1764000000700 implements MigrationInterface {
  name = 'MatchingAbsorbedRequests1764000000700';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "matching"."absorbed_requests" (
        "request_id" uuid PRIMARY KEY,
        "case_id" uuid NOT NULL REFERENCES "matching"."cases" ("id") ON DELETE CASCADE,
        "trigger_kind" text NOT NULL,
        "category" text NOT NULL,
        "harm_level" text,
        "event_occurred_at" timestamptz NOT NULL,
        "facility" text NOT NULL,
        "department" text,
        "absorbed_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "absorbed_requests_by_case" ON "matching"."absorbed_requests" ("case_id", "absorbed_at")`);
    // Open = not closed and not declined by the clinician (FINAL in cases/case-records.ts); the lookups spell the
    // same predicate out so these partial indexes serve them.
    await runner.query(`
      CREATE INDEX "cases_open_by_clinician" ON "matching"."cases" ("clinician_id", "created_at" DESC, "id" DESC)
      WHERE "clinician_id" IS NOT NULL AND "status" NOT IN ('closed', 'declined-by-clinician')`);
    await runner.query(`
      CREATE INDEX "cases_open_by_identifier" ON "matching"."cases" ("identifier_system", "identifier_value", "created_at" DESC, "id" DESC)
      WHERE "clinician_id" IS NULL AND "status" NOT IN ('closed', 'declined-by-clinician')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "matching"."cases_open_by_identifier"`);
    await runner.query(`DROP INDEX "matching"."cases_open_by_clinician"`);
    await runner.query(`DROP TABLE "matching"."absorbed_requests"`);
  }
}
