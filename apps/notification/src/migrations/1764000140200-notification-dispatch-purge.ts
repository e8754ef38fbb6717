import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forgetting on time: a finished dispatch keeps its channels' addresses (PagerDuty's resolve at close reads them)
 * for NOTIFY_DISPATCH_RETENTION_DAYS; then only the channel kinds stay, and `addresses_purged_at` says when.
 */
export class NotificationDispatchPurge1764000140200 implements MigrationInterface {
  name = 'NotificationDispatchPurge1764000140200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."dispatches" ADD COLUMN "addresses_purged_at" timestamptz`);
    await runner.query(
      `CREATE INDEX "dispatches_to_purge" ON "notification"."dispatches" ("finished_at") WHERE "addresses_purged_at" IS NULL AND "finished_at" IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "notification"."dispatches_to_purge"`);
    await runner.query(`ALTER TABLE "notification"."dispatches" DROP COLUMN "addresses_purged_at"`);
  }
}
