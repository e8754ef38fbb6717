import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The acknowledgement clock starts when notification reports the page delivered to a provider
 * (AssignmentPaged), not when the offer is made: a provider outage no longer runs offers out. Each offer
 * keeps its own ack timeout, and when (and by which channel kind) it was paged. Offers already open keep
 * the clock they started with: they count as paged when offered, and their ack deadlines stay.
 */
export class MatchingAckClockAtDelivery1764000050100 implements MigrationInterface {
  name = 'MatchingAckClockAtDelivery1764000050100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "matching"."assignments"
        ADD COLUMN "ack_seconds" int,
        ADD COLUMN "paged_at" timestamptz,
        ADD COLUMN "paged_via" text`);
    await runner.query(`UPDATE "matching"."assignments" SET "ack_seconds" = GREATEST(1, round(EXTRACT(EPOCH FROM "respond_by" - "offered_at")))::int`);
    await runner.query(`UPDATE "matching"."assignments" SET "paged_at" = "offered_at" WHERE "status" = 'offered'`);
    await runner.query(`ALTER TABLE "matching"."assignments" ALTER COLUMN "ack_seconds" SET NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "matching"."assignments" DROP COLUMN "paged_via", DROP COLUMN "paged_at", DROP COLUMN "ack_seconds"`);
  }
}
