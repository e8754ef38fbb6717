import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The program's overrides of intake's trigger policy (INTAKE_* settings stay the defaults). One row for the whole
 * intake: the policy is the program's, and facilities are told apart by matching's programs, not here. Each
 * column is null while the configuration's value applies.
 */
export class IntakeTriggerPolicy1764000240100 implements MigrationInterface {
  name = 'IntakeTriggerPolicy1764000240100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "intake"."trigger_policy" (
        "id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
        "served_professions" text[],
        "outreach_categories" text[],
        "min_harm_level" text,
        "lawsuit_kinds" text[],
        "cooldown_hours" integer,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "updated_by" text NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "intake"."trigger_policy"`);
  }
}
