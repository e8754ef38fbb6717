import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forgetting on time: a case's identifying data (the clinician's identifier, the directory link, the event key
 * and the department) is erased a retention period after the case closes, and `purged_at` says when. What stays
 * is what the program's history needs: status, times, outcome flags and who supported.
 */
export class MatchingCasePurge1764000140000 implements MigrationInterface {
  name = 'MatchingCasePurge1764000140000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "matching"."cases" ALTER COLUMN "identifier_system" DROP NOT NULL, ALTER COLUMN "identifier_value" DROP NOT NULL`);
    await runner.query(`ALTER TABLE "matching"."cases" ADD COLUMN "purged_at" timestamptz`);
    await runner.query(`CREATE INDEX "cases_to_purge" ON "matching"."cases" ("closed_at") WHERE "purged_at" IS NULL AND "closed_at" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "matching"."cases_to_purge"`);
    await runner.query(`ALTER TABLE "matching"."cases" DROP COLUMN "purged_at"`);
    // Purged rows have no identifier left to restore: they keep a placeholder so the constraint holds again.
    await runner.query(`UPDATE "matching"."cases" SET "identifier_system" = 'urn:harbor:purged', "identifier_value" = "id"::text WHERE "identifier_value" IS NULL`);
    await runner.query(`ALTER TABLE "matching"."cases" ALTER COLUMN "identifier_system" SET NOT NULL, ALTER COLUMN "identifier_value" SET NOT NULL`);
  }
}
