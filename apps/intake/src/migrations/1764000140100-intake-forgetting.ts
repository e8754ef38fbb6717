import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forgetting on time: a trigger's clinicians (identifiers and decisions) are deleted a retention period after the
 * trigger last changed, and `clinicians_purged_at` says so, so a late update of that trigger asks nobody again.
 * Open triage items expire after their own period.
 */
export class IntakeForgetting1764000140100 implements MigrationInterface {
  name = 'IntakeForgetting1764000140100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "intake"."triggers" ADD COLUMN "updated_at" timestamptz NOT NULL DEFAULT now(), ADD COLUMN "clinicians_purged_at" timestamptz`);
    await runner.query(`UPDATE "intake"."triggers" SET "updated_at" = "received_at"`);
    await runner.query(`CREATE INDEX "triggers_to_purge" ON "intake"."triggers" ("updated_at") WHERE "clinicians_purged_at" IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "intake"."triggers_to_purge"`);
    await runner.query(`ALTER TABLE "intake"."triggers" DROP COLUMN "clinicians_purged_at", DROP COLUMN "updated_at"`);
  }
}
