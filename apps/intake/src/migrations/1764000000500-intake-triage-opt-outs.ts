import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Triage queue for people a trigger names without an identifier, the opt-out registry, and what the
 * cooldown needs. A triage item keeps the source's display text only until staff resolve it.
 */
export class IntakeTriageOptOuts1764000000500 implements MigrationInterface {
  name = 'IntakeTriageOptOuts1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "intake"."triggers" ADD COLUMN "withdrawn" boolean NOT NULL DEFAULT false`);
    await runner.query(`
      CREATE INDEX "trigger_clinicians_recent_requests" ON "intake"."trigger_clinicians" ("identifier_system", "identifier_value", "created_at")
      WHERE "request_id" IS NOT NULL`);
    await runner.query(`
      CREATE TABLE "intake"."triage_items" (
        "id" uuid PRIMARY KEY,
        "trigger_id" uuid NOT NULL REFERENCES "intake"."triggers" ("id") ON DELETE CASCADE,
        "reason" text NOT NULL,
        "dedupe_key" text NOT NULL,
        "display_text" text,
        "status" text NOT NULL DEFAULT 'open',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "resolved_at" timestamptz,
        CONSTRAINT "triage_items_once_per_trigger" UNIQUE ("trigger_id", "dedupe_key"),
        CONSTRAINT "triage_items_text_only_while_open" CHECK ("status" = 'open' OR "display_text" IS NULL)
      )`);
    await runner.query(`CREATE INDEX "triage_items_open" ON "intake"."triage_items" ("created_at") WHERE "status" = 'open'`);
    await runner.query(`
      CREATE TABLE "intake"."opt_outs" (
        "identifier_system" text NOT NULL,
        "identifier_value" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("identifier_system", "identifier_value")
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "intake"."opt_outs"`);
    await runner.query(`DROP TABLE "intake"."triage_items"`);
    await runner.query(`DROP INDEX "intake"."trigger_clinicians_recent_requests"`);
    await runner.query(`ALTER TABLE "intake"."triggers" DROP COLUMN "withdrawn"`);
  }
}
