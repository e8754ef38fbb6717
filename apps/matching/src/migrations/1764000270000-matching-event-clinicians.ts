import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every directory clinician an event named, whatever became of their request (a case of its own, absorbed into an
 * open case, opted out): the clinicians a supporter of that event's cases must not be (`involved-in-event`). Before
 * this table, involvement was read from the event's cases, which missed a clinician whose request an open case
 * absorbed. Purged with the tally rows after the case retention period. Filled from the cases for events under way.
 */
export class MatchingEventClinicians1764000270000 implements MigrationInterface {
  name = 'MatchingEventClinicians1764000270000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "matching"."event_clinicians" (
         "event_key" text NOT NULL,
         "clinician_id" uuid NOT NULL REFERENCES "matching"."clinicians" ("id") ON DELETE CASCADE,
         "noted_at" timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY ("event_key", "clinician_id")
       )`,
    );
    await runner.query(`CREATE INDEX "event_clinicians_by_age" ON "matching"."event_clinicians" ("noted_at")`);
    await runner.query(
      `INSERT INTO "matching"."event_clinicians" ("event_key", "clinician_id", "noted_at")
       SELECT "event_key", "clinician_id", min("created_at") FROM "matching"."cases"
        WHERE "event_key" IS NOT NULL AND "clinician_id" IS NOT NULL GROUP BY "event_key", "clinician_id"`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "matching"."event_clinicians"`);
  }
}
