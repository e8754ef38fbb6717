import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider faults (issue 11). Dispatches remember which channels refused for good (only those can make a
 * page undeliverable), how many passes over the channels ended without a delivery, since when provider
 * trouble holds the page, a delivery deadline (staff pages), the staff page's kind and why a page was
 * given up. A delivery attempt is recorded as an intent (`sending`) before the provider call, so a crash
 * between the call and its record is found and reconciled before anything is sent again.
 */
export class NotificationDeliveryIntents1764000050000 implements MigrationInterface {
  name = 'NotificationDeliveryIntents1764000050000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "notification"."dispatches"
        ADD COLUMN "round" int NOT NULL DEFAULT 0,
        ADD COLUMN "refused" jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN "waiting_since" timestamptz,
        ADD COLUMN "deliver_by" timestamptz,
        ADD COLUMN "page_kind" text,
        ADD COLUMN "gave_up_because" text`);
    await runner.query(`CREATE INDEX "dispatches_staff_pages" ON "notification"."dispatches" ("created_at") WHERE "kind" = 'staff-page'`);
    await runner.query(`
      ALTER TABLE "notification"."delivery_attempts"
        ADD COLUMN "channel_index" int,
        ADD COLUMN "settled_at" timestamptz,
        ADD COLUMN "reconciled" text`);
    // Attempts recorded before this migration were recorded after their call, so each is settled.
    await runner.query(`UPDATE "notification"."delivery_attempts" SET "settled_at" = "attempted_at"`);
    await runner.query(`
      CREATE INDEX "delivery_attempts_unsettled" ON "notification"."delivery_attempts" ("dispatch_id")
      WHERE "status" IN ('sending', 'unknown')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "notification"."delivery_attempts_unsettled"`);
    await runner.query(`ALTER TABLE "notification"."delivery_attempts" DROP COLUMN "reconciled", DROP COLUMN "settled_at", DROP COLUMN "channel_index"`);
    await runner.query(`DROP INDEX "notification"."dispatches_staff_pages"`);
    await runner.query(`
      ALTER TABLE "notification"."dispatches" DROP COLUMN "gave_up_because", DROP COLUMN "page_kind", DROP COLUMN "deliver_by",
        DROP COLUMN "waiting_since", DROP COLUMN "refused", DROP COLUMN "round"`);
  }
}
