import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Capacity taken for an offer in its own short transaction, before the offer's transaction commits
 * (docs/matching.md, "Concurrent decisions"): the offer's transaction deletes its hold; a hold left behind by a
 * transaction that never committed is given back by the sweep, oldest first.
 */
export class MatchingCapacityHolds1764000250000 implements MigrationInterface {
  name = 'MatchingCapacityHolds1764000250000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "matching"."capacity_holds" (
        "id" uuid PRIMARY KEY,
        "supporter_id" text NOT NULL REFERENCES "matching"."supporters" ("id") ON DELETE CASCADE,
        "counted_month" date,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX "capacity_holds_created_at" ON "matching"."capacity_holds" ("created_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "matching"."capacity_holds"`);
  }
}
