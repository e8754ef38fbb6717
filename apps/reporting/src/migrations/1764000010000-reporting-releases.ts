import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fixed releases. A period's protected release is computed once, when it is due, and kept unchanged here;
 * every output (API, CSV, dashboard, support.metrics.v1) reads it from this table, so successive answers
 * about a period can never be differenced. A year's granularity is fixed once too (`release_plans`).
 * The releases hold protected aggregates and vocabulary labels only.
 */
export class ReportingReleases1764000010000 implements MigrationInterface {
  name = 'ReportingReleases1764000010000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "reporting"."release_plans" (
        "year" int PRIMARY KEY,
        "granularity" text NOT NULL CHECK ("granularity" IN ('month', 'quarter', 'year')),
        "decided_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "reporting"."releases" (
        "period" text PRIMARY KEY,
        "year" int NOT NULL REFERENCES "reporting"."release_plans" ("year"),
        "release_id" uuid NOT NULL,
        "released_at" timestamptz NOT NULL,
        "body" jsonb NOT NULL,
        "published_at" timestamptz
      )`);
    await runner.query(`CREATE INDEX "releases_year" ON "reporting"."releases" ("year")`);
    await runner.query(`CREATE INDEX "releases_unpublished" ON "reporting"."releases" ("year") WHERE "published_at" IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "reporting"."releases"`);
    await runner.query(`DROP TABLE "reporting"."release_plans"`);
  }
}
