import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An accepted offer's contact is shown to one browser: `viewer_hash` is the digest of that browser's cookie
 * secret, `claim_nonce` the nonce of the link that may still bind one (sent by SMS after an SMS acceptance).
 * Offers accepted before this had no binding: their page link binds the first browser that asks (empty nonce).
 */
export class NotificationLinkViewers1764000030300 implements MigrationInterface {
  name = 'NotificationLinkViewers1764000030300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."offers" ADD COLUMN "viewer_hash" text, ADD COLUMN "claim_nonce" text`);
    await runner.query(`UPDATE "notification"."offers" SET "claim_nonce" = '' WHERE "status" = 'accepted'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."offers" DROP COLUMN "viewer_hash", DROP COLUMN "claim_nonce"`);
  }
}
