import { MigrationInterface, QueryRunner } from 'typeorm';

/** Triggers and the clinicians they name: ids, category, harm, times, place. No narratives, no patients. */
export class IntakeTriggers1764000000100 implements MigrationInterface {
  name = 'IntakeTriggers1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "intake"."triggers" (
        "id" uuid PRIMARY KEY,
        "kind" text NOT NULL,
        "source" text NOT NULL,
        "source_event_id" text NOT NULL,
        "category" text NOT NULL,
        "harm_level" text,
        "facility" text NOT NULL,
        "department" text,
        "occurred_at" timestamptz NOT NULL,
        "reported_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "triggers_source_event" UNIQUE ("kind", "source", "source_event_id")
      )`);
    await runner.query(`
      CREATE TABLE "intake"."trigger_clinicians" (
        "trigger_id" uuid NOT NULL REFERENCES "intake"."triggers" ("id") ON DELETE CASCADE,
        "identifier_system" text NOT NULL,
        "identifier_value" text NOT NULL,
        "decision" text NOT NULL,
        "request_id" uuid UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("trigger_id", "identifier_system", "identifier_value")
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "intake"."trigger_clinicians"`);
    await runner.query(`DROP TABLE "intake"."triggers"`);
  }
}
