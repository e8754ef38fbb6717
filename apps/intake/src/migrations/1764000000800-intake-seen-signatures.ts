import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed requests already received, kept just long enough to refuse a replay: a request is refused once
 * its timestamp is outside the tolerance, so a digest older than twice the tolerance can go.
 */
export class IntakeSeenSignatures1764000000800 implements MigrationInterface {
  name = 'IntakeSeenSignatures1764000000800';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "intake"."seen_signatures" (
        "digest" text PRIMARY KEY,
        "source_system" text NOT NULL,
        "seen_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "seen_signatures_seen_at" ON "intake"."seen_signatures" ("seen_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "intake"."seen_signatures"`);
  }
}
