import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider calls leave the consumer's transaction: a dispatch row per page (worked by the dispatcher with
 * leases and SKIP LOCKED), one row per send attempt, delivery receipts, released contacts with a deletion
 * time, and SMS opt-outs. Phone numbers are matched through an HMAC, never stored for lookup in clear.
 */
export class NotificationDispatch1764000000310 implements MigrationInterface {
  name = 'NotificationDispatch1764000000310';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."offers" ADD COLUMN "sms_address_hash" text`);
    await runner.query(`CREATE INDEX "offers_open_by_sms_address" ON "notification"."offers" ("sms_address_hash") WHERE "status" = 'open'`);
    await runner.query(`DROP TABLE "notification"."deliveries"`);
    await runner.query(`
      CREATE TABLE "notification"."dispatches" (
        "id" uuid PRIMARY KEY,
        "kind" text NOT NULL,
        "ref_id" uuid NOT NULL,
        "case_id" uuid NOT NULL,
        "recipient_id" text NOT NULL,
        "channels" jsonb NOT NULL,
        "text" text,
        "channel_index" int NOT NULL DEFAULT 0,
        "attempt" int NOT NULL DEFAULT 0,
        "failures" jsonb NOT NULL DEFAULT '[]',
        "status" text NOT NULL DEFAULT 'pending',
        "due_at" timestamptz NOT NULL DEFAULT now(),
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        CONSTRAINT "dispatches_one_per_ref" UNIQUE ("kind", "ref_id")
      )`);
    await runner.query(`CREATE INDEX "dispatches_due" ON "notification"."dispatches" ("due_at") WHERE "status" = 'pending'`);
    await runner.query(`
      CREATE TABLE "notification"."delivery_attempts" (
        "id" uuid PRIMARY KEY,
        "dispatch_id" uuid NOT NULL REFERENCES "notification"."dispatches" ("id") ON DELETE CASCADE,
        "channel" text NOT NULL,
        "attempt" int NOT NULL,
        "idempotency_key" text NOT NULL,
        "status" text NOT NULL,
        "provider_ref" text,
        "error" text,
        "attempted_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "delivery_attempts_by_dispatch" ON "notification"."delivery_attempts" ("dispatch_id")`);
    await runner.query(`CREATE INDEX "delivery_attempts_by_provider_ref" ON "notification"."delivery_attempts" ("provider_ref")`);
    await runner.query(`
      CREATE TABLE "notification"."delivery_receipts" (
        "id" bigserial PRIMARY KEY,
        "provider_ref" text NOT NULL,
        "channel" text NOT NULL,
        "status" text NOT NULL,
        "error_code" text,
        "received_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "delivery_receipts_by_provider_ref" ON "notification"."delivery_receipts" ("provider_ref")`);
    await runner.query(`
      CREATE TABLE "notification"."released_contacts" (
        "assignment_id" uuid PRIMARY KEY REFERENCES "notification"."offers" ("assignment_id") ON DELETE CASCADE,
        "display_name" text NOT NULL,
        "phone" text,
        "email" text,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "delete_after" timestamptz NOT NULL
      )`);
    await runner.query(`CREATE TABLE "notification"."sms_opt_outs" ("address_hash" text PRIMARY KEY, "opted_out_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "notification"."sms_opt_outs"`);
    await runner.query(`DROP TABLE "notification"."released_contacts"`);
    await runner.query(`DROP TABLE "notification"."delivery_receipts"`);
    await runner.query(`DROP TABLE "notification"."delivery_attempts"`);
    await runner.query(`DROP TABLE "notification"."dispatches"`);
    await runner.query(`
      CREATE TABLE "notification"."deliveries" (
        "id" uuid PRIMARY KEY,
        "assignment_id" uuid NOT NULL REFERENCES "notification"."offers" ("assignment_id") ON DELETE CASCADE,
        "channel" text NOT NULL, "status" text NOT NULL, "provider_ref" text, "error" text,
        "attempted_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "deliveries_one_per_channel" UNIQUE ("assignment_id", "channel")
      )`);
    await runner.query(`DROP INDEX "notification"."offers_open_by_sms_address"`);
    await runner.query(`ALTER TABLE "notification"."offers" DROP COLUMN "sms_address_hash"`);
  }
}
