import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care for the carers. On the supporter row, where the candidate query reads them in its one round trip:
 * when the supporter last accepted a case from a death or severe-harm event (their rest period runs from
 * it), whether they opted in to more cases while resting, and the cases they took in the current calendar
 * month (UTC). Training reminders sent, one row per (supporter, expiry date, days before), so a restart or a
 * second replica never sends one twice; an index on training expiry for the reminder job and the lapses route.
 */
export class MatchingCareForTheCarers1764000160010 implements MigrationInterface {
  name = 'MatchingCareForTheCarers1764000160010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "matching"."supporters"
         ADD COLUMN "last_severe_accepted_at" timestamptz,
         ADD COLUMN "accepts_cases_while_resting" boolean NOT NULL DEFAULT false,
         ADD COLUMN "cases_month" date,
         ADD COLUMN "cases_in_month" integer NOT NULL DEFAULT 0`,
    );
    await runner.query(`CREATE INDEX "supporters_training_expiry" ON "matching"."supporters" ("training_expires_on") WHERE NOT "opted_out"`);
    await runner.query(
      `CREATE TABLE "matching"."training_reminders" (
         "supporter_id" text NOT NULL REFERENCES "matching"."supporters" ("id") ON DELETE CASCADE,
         "expires_on" date NOT NULL,
         "days_before" integer NOT NULL,
         "sent_at" timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY ("supporter_id", "expires_on", "days_before")
       )`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "matching"."training_reminders"`);
    await runner.query(`DROP INDEX "matching"."supporters_training_expiry"`);
    await runner.query(
      `ALTER TABLE "matching"."supporters" DROP COLUMN "last_severe_accepted_at", DROP COLUMN "accepts_cases_while_resting",
         DROP COLUMN "cases_month", DROP COLUMN "cases_in_month"`,
    );
  }
}
