import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A clinician's profession may be unknown (NULL): a FHIR Practitioner imported with neither a PractitionerRole
 * nor a qualification naming one is kept instead of refused, so a case for them still resolves. Matching then
 * never prefers a peer by profession for them (docs/matching.md, "Bulk import").
 */
export class MatchingClinicianProfessionUnknown1764000120010 implements MigrationInterface {
  name = 'MatchingClinicianProfessionUnknown1764000120010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "matching"."clinicians" ALTER COLUMN "profession" DROP NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`UPDATE "matching"."clinicians" SET "profession" = 'unknown' WHERE "profession" IS NULL`);
    await runner.query(`ALTER TABLE "matching"."clinicians" ALTER COLUMN "profession" SET NOT NULL`);
  }
}
