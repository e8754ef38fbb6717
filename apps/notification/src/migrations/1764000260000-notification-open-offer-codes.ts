import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new offer's reply code must differ from the supporter's other open offers' codes (OfferStore.create checks it
 * in the insert's statement). The open-offers index gains the code, so that check is one index probe instead of a
 * walk over all of the supporter's open offers; lookups by supporter alone still use its first column.
 */
export class NotificationOpenOfferCodes1764000260000 implements MigrationInterface {
  name = 'NotificationOpenOfferCodes1764000260000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "offers_open_by_supporter_code" ON "notification"."offers" ("supporter_id", "reply_code") WHERE "status" = 'open'`);
    await runner.query(`DROP INDEX "notification"."offers_open_by_supporter"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "offers_open_by_supporter" ON "notification"."offers" ("supporter_id") WHERE "status" = 'open'`);
    await runner.query(`DROP INDEX "notification"."offers_open_by_supporter_code"`);
  }
}
