import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-side sessions of the console (connect-pg-simple's table). A session holds the signed-in person's tokens
 * and roles, never anything about a case; it is deleted at sign-out and pruned once expired.
 */
export class ConsoleSessions1764000180000 implements MigrationInterface {
  name = 'ConsoleSessions1764000180000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "console"."sessions" (
        "sid" varchar NOT NULL PRIMARY KEY,
        "sess" json NOT NULL,
        "expire" timestamp(6) NOT NULL
      )`);
    await runner.query(`CREATE INDEX "sessions_expire" ON "console"."sessions" ("expire")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "console"."sessions"`);
  }
}
