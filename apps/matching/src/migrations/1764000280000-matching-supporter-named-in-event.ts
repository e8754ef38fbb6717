import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a supporter who already accepted a colleague's case is later named in the same event, the acceptance is
 * kept and program staff decide: the moment is recorded on the offer, and the cases board lists such offers while
 * they are still accepted (a partial index: only the rare flagged offer is in it).
 */
export class MatchingSupporterNamedInEvent1764000280000 implements MigrationInterface {
  name = 'MatchingSupporterNamedInEvent1764000280000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "matching"."assignments" ADD COLUMN "named_in_event_at" timestamptz`);
    await runner.query(`CREATE INDEX "assignments_supporter_named_in_event" ON "matching"."assignments" ("named_in_event_at") WHERE "named_in_event_at" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "matching"."assignments_supporter_named_in_event"`);
    await runner.query(`ALTER TABLE "matching"."assignments" DROP COLUMN "named_in_event_at"`);
  }
}
