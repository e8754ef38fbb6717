import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supporter's encounter page. Offers learn their program (from AssignmentOffered; offers made before this
 * belong to the default program). `encounter_content`: each program's conversation guide and resources, edited
 * by program staff (a program without a row uses the shipped defaults). `encounter_records`: what the encounter
 * page submitted for an accepted offer, so the page can show progress — flags only, never notes; deleted with
 * the offer.
 */
export class NotificationEncounters1764000130000 implements MigrationInterface {
  name = 'NotificationEncounters1764000130000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."offers" ADD COLUMN "program_id" text NOT NULL DEFAULT 'default'`);
    await runner.query(`
      CREATE TABLE "notification"."encounter_content" (
        "program_id" text PRIMARY KEY,
        "guide" jsonb NOT NULL,
        "resources" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "notification"."encounter_records" (
        "assignment_id" uuid PRIMARY KEY REFERENCES "notification"."offers" ("assignment_id") ON DELETE CASCADE,
        "contact_made" boolean NOT NULL DEFAULT false,
        "support_declined" boolean NOT NULL DEFAULT false,
        "referrals" text[] NOT NULL DEFAULT '{}',
        "time_off_suggested" boolean NOT NULL DEFAULT false,
        "follow_ups_done" int NOT NULL DEFAULT 0,
        "closed" boolean NOT NULL DEFAULT false,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "notification"."encounter_records"`);
    await runner.query(`DROP TABLE "notification"."encounter_content"`);
    await runner.query(`ALTER TABLE "notification"."offers" DROP COLUMN "program_id"`);
  }
}
