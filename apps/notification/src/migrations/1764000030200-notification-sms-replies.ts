import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound SMS against replays, and SMS-number digests under their own key (NOTIFY_SMS_HASH_KEY):
 * - inbound_sms_messages: every inbound message id applied, so a replayed webhook is refused on every replica;
 * - sms_opt_outs keeps STOP and START in the order they were written (`changed_at`, Twilio's time), so a late
 *   or replayed STOP cannot undo a later START (a START now keeps its row, `opted_out` false);
 * - digests made with the link secret are marked legacy (offers and opt-outs): they are one-way, so they are
 *   recognised under the old key and an opt-out moves to the new key when its number is next seen.
 */
export class NotificationSmsReplies1764000030200 implements MigrationInterface {
  name = 'NotificationSmsReplies1764000030200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "notification"."inbound_sms_messages" (
        "message_sid" text PRIMARY KEY,
        "written_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "inbound_sms_messages_by_received_at" ON "notification"."inbound_sms_messages" ("received_at")`);

    await runner.query(`ALTER TABLE "notification"."sms_opt_outs" RENAME COLUMN "opted_out_at" TO "recorded_at"`);
    await runner.query(`
      ALTER TABLE "notification"."sms_opt_outs" ADD COLUMN "opted_out" boolean NOT NULL DEFAULT true,
        ADD COLUMN "changed_at" timestamptz, ADD COLUMN "legacy_hash" boolean NOT NULL DEFAULT false`);
    await runner.query(`UPDATE "notification"."sms_opt_outs" SET "changed_at" = "recorded_at", "legacy_hash" = true`);
    await runner.query(`ALTER TABLE "notification"."sms_opt_outs" ALTER COLUMN "changed_at" SET NOT NULL`);

    await runner.query(`ALTER TABLE "notification"."offers" ADD COLUMN "sms_hash_legacy" boolean NOT NULL DEFAULT false`);
    await runner.query(`UPDATE "notification"."offers" SET "sms_hash_legacy" = true WHERE "sms_address_hash" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."offers" DROP COLUMN "sms_hash_legacy"`);
    await runner.query(`DELETE FROM "notification"."sms_opt_outs" WHERE NOT "opted_out"`);
    await runner.query(`ALTER TABLE "notification"."sms_opt_outs" DROP COLUMN "opted_out", DROP COLUMN "changed_at", DROP COLUMN "legacy_hash"`);
    await runner.query(`ALTER TABLE "notification"."sms_opt_outs" RENAME COLUMN "recorded_at" TO "opted_out_at"`);
    await runner.query(`DROP TABLE "notification"."inbound_sms_messages"`);
  }
}
