import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cases board reads the offers waiting for an answer, oldest first: a partial index keeps that read small
 * however many answered offers the table holds (it holds only the few rows still `offered`).
 */
export class MatchingCasesBoard1764000210000 implements MigrationInterface {
  name = 'MatchingCasesBoard1764000210000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "assignments_awaiting_answer" ON "matching"."assignments" ("offered_at") WHERE "status" = 'offered'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "matching"."assignments_awaiting_answer"`);
  }
}
