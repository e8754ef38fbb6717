import { MigrationInterface, QueryRunner } from 'typeorm';

/** Open offers with their reply code, and one row per page sent through a channel. */
export class NotificationOffers1764000000300 implements MigrationInterface {
  name = 'NotificationOffers1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "notification"."offers" (
        "assignment_id" uuid PRIMARY KEY,
        "case_id" uuid NOT NULL,
        "supporter_id" text NOT NULL,
        "attempt" int NOT NULL,
        "reply_code" text NOT NULL,
        "respond_by" timestamptz NOT NULL,
        "status" text NOT NULL DEFAULT 'open',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "responded_at" timestamptz,
        "responded_via" text
      )`);
    await runner.query(`CREATE INDEX "offers_open_by_supporter" ON "notification"."offers" ("supporter_id") WHERE "status" = 'open'`);
    await runner.query(`
      CREATE TABLE "notification"."deliveries" (
        "id" uuid PRIMARY KEY,
        "assignment_id" uuid NOT NULL REFERENCES "notification"."offers" ("assignment_id") ON DELETE CASCADE,
        "channel" text NOT NULL,
        "status" text NOT NULL,
        "provider_ref" text,
        "error" text,
        "attempted_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "deliveries_one_per_channel" UNIQUE ("assignment_id", "channel")
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "notification"."deliveries"`);
    await runner.query(`DROP TABLE "notification"."offers"`);
  }
}
