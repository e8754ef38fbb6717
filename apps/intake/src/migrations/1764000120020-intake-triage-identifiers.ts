import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A triage item keeps the identifiers the source gave for the person (system and value, as JSON), the minimum
 * staff need to tell who it is. Like the display text, they are kept only while the item is open.
 */
export class IntakeTriageIdentifiers1764000120020 implements MigrationInterface {
  name = 'IntakeTriageIdentifiers1764000120020';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "intake"."triage_items"
        ADD COLUMN "identifiers" jsonb,
        ADD CONSTRAINT "triage_items_identifiers_only_while_open" CHECK ("status" = 'open' OR "identifiers" IS NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "intake"."triage_items" DROP CONSTRAINT "triage_items_identifiers_only_while_open", DROP COLUMN "identifiers"`);
  }
}
