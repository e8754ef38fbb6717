import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recognition with consent: whether the supporter agreed to be named at the program's end-of-year celebration
 * (default no), and since when, so the director can tell a fresh consent from an old one. The recognition list
 * reads accepted assignments by supporter and answer time; an index keeps that read to the supporters it names.
 */
export class MatchingRecognitionConsent1764000200100 implements MigrationInterface {
  name = 'MatchingRecognitionConsent1764000200100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "matching"."supporters"
         ADD COLUMN "recognition_consent" boolean NOT NULL DEFAULT false,
         ADD COLUMN "recognition_consent_at" timestamptz`,
    );
    await runner.query(
      `CREATE INDEX "assignments_accepted_by_supporter" ON "matching"."assignments" ("supporter_id", "responded_at")
         WHERE "status" IN ('accepted', 'completed')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "matching"."assignments_accepted_by_supporter"`);
    await runner.query(`ALTER TABLE "matching"."supporters" DROP COLUMN "recognition_consent", DROP COLUMN "recognition_consent_at"`);
  }
}
