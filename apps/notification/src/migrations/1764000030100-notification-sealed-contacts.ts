import { MigrationInterface, QueryRunner } from 'typeorm';
import { sealReleasedContact } from '@harbor/contracts';
import { KeyRing } from '@harbor/crypto';

/**
 * Released contacts are kept sealed (CONTACT_ENCRYPTION_KEYS), as they arrive from matching: rows stored in
 * clear are sealed here, then the clear columns are dropped. Sealing needs the key ring, hence a factory.
 */
export function notificationSealedContactsMigration(contactKeys: KeyRing): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = 'NotificationSealedContacts1764000030100';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "notification"."released_contacts" ADD COLUMN "sealed_contact" text`);
      const clear: { assignment_id: string; display_name: string; phone: string | null; email: string | null }[] = await runner.query(
        `SELECT "assignment_id", "display_name", "phone", "email" FROM "notification"."released_contacts"`,
      );
      for (const row of clear) {
        const contact = { displayName: row.display_name, phone: row.phone ?? undefined, email: row.email ?? undefined };
        await runner.query(`UPDATE "notification"."released_contacts" SET "sealed_contact" = $2 WHERE "assignment_id" = $1`, [
          row.assignment_id, sealReleasedContact(contactKeys, row.assignment_id, contact),
        ]);
      }
      await runner.query(`
        ALTER TABLE "notification"."released_contacts" DROP COLUMN "display_name", DROP COLUMN "phone", DROP COLUMN "email",
          ALTER COLUMN "sealed_contact" SET NOT NULL`);
    }

    async down(runner: QueryRunner): Promise<void> {
      // Sealed contacts are not decrypted back into clear columns: they are short-lived and dropped.
      await runner.query(`DELETE FROM "notification"."released_contacts"`);
      await runner.query(`
        ALTER TABLE "notification"."released_contacts" DROP COLUMN "sealed_contact", ADD COLUMN "display_name" text NOT NULL,
          ADD COLUMN "phone" text, ADD COLUMN "email" text`);
    }
  };
  Object.defineProperty(migration, 'name', { value: 'NotificationSealedContacts1764000030100' });
  return migration;
}
