import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One event, a whole unit. `group_debrief_tally`: one row per clinician an event named, by unit, so the
 * count of distinct clinicians per (event, unit) is exact under redelivery (the primary key) and replayed
 * requests add nothing; the member is a SHA-256 of matching's clinician key, never an identifier in clear.
 * `group_debriefs`: the debrief offered for an (event, unit), at most one (the unique constraint), with its
 * structured outcome (held / declined, attendance band). No free text, no clinician.
 */
export class MatchingGroupDebriefs1764000190000 implements MigrationInterface {
  name = 'MatchingGroupDebriefs1764000190000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "matching"."group_debrief_tally" (
         "event_key" text NOT NULL,
         "unit" text NOT NULL,
         "member" text NOT NULL,
         "noted_at" timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY ("event_key", "unit", "member")
       )`,
    );
    await runner.query(`CREATE INDEX "group_debrief_tally_by_age" ON "matching"."group_debrief_tally" ("noted_at")`);
    await runner.query(
      `CREATE TABLE "matching"."group_debriefs" (
         "id" uuid PRIMARY KEY,
         "event_key" text NOT NULL,
         "unit" text NOT NULL,
         "program" text NOT NULL,
         "facility" text NOT NULL,
         "clinicians" integer NOT NULL CHECK ("clinicians" >= 2),
         "status" text NOT NULL DEFAULT 'offered' CHECK ("status" IN ('offered', 'held', 'declined')),
         "attendance_band" text CHECK ("attendance_band" IN ('2-4', '5-9', '10+')),
         "coordinators_paged" integer NOT NULL DEFAULT 0,
         "offered_at" timestamptz NOT NULL DEFAULT now(),
         "closed_at" timestamptz,
         "closed_by" text,
         CONSTRAINT "group_debriefs_one_per_event_unit" UNIQUE ("event_key", "unit"),
         CONSTRAINT "group_debriefs_band_when_held" CHECK (("status" = 'held') = ("attendance_band" IS NOT NULL)),
         CONSTRAINT "group_debriefs_closed_when_done" CHECK (("status" = 'offered') = ("closed_at" IS NULL))
       )`,
    );
    await runner.query(`CREATE INDEX "group_debriefs_by_status" ON "matching"."group_debriefs" ("status", "offered_at" DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "matching"."group_debriefs"`);
    await runner.query(`DROP TABLE "matching"."group_debrief_tally"`);
  }
}
