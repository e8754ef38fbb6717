import { DataSource, EntityManager } from 'typeorm';
import { SmsAddressHashes } from './address-hash';

type Db = DataSource | EntityManager;

/**
 * A number's SMS consent, stored by digest only. STOP and START are applied in the order the supporter wrote
 * them (Twilio's time of the message), so a STOP that arrives late — or is replayed — cannot undo a later START.
 */
export async function smsOptedOut(db: Db, hashes: SmsAddressHashes): Promise<boolean> {
  // Rekeyed and read in one statement (one round trip per page): a row the CTE rekeys is not yet visible to the
  // statement's own read, so its consent comes from RETURNING.
  const [row] = await db.query(
    `WITH "rekeyed" AS (${REKEY_LEGACY_DIGEST} RETURNING "opted_out")
     SELECT COALESCE((SELECT "opted_out" FROM "rekeyed"), (SELECT "opted_out" FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1)) AS "opted_out"`,
    [hashes.current, hashes.legacy],
  );
  return row?.opted_out === true;
}

/** Records STOP (true) or START (false) written at `writtenAt`; false when a later change is already recorded. */
export async function recordSmsConsent(manager: EntityManager, hashes: SmsAddressHashes, optedOut: boolean, writtenAt: Date): Promise<boolean> {
  await rekeyLegacyDigest(manager, hashes);
  const applied: unknown[] = await manager.query(
    `INSERT INTO "notification"."sms_opt_outs" ("address_hash", "opted_out", "changed_at") VALUES ($1, $2, $3)
     ON CONFLICT ("address_hash") DO UPDATE SET "opted_out" = EXCLUDED."opted_out", "changed_at" = EXCLUDED."changed_at", "recorded_at" = now()
     WHERE "sms_opt_outs"."changed_at" <= EXCLUDED."changed_at"
     RETURNING 1`,
    [hashes.current, optedOut, writtenAt],
  );
  return applied.length > 0;
}

/**
 * Digests are one-way, so rows made under the link secret cannot be converted in bulk: each one is moved to
 * NOTIFY_SMS_HASH_KEY the first time its number is seen again (a page to it, or a text from it).
 */
const REKEY_LEGACY_DIGEST = `UPDATE "notification"."sms_opt_outs" SET "address_hash" = $1, "legacy_hash" = false
     WHERE "legacy_hash" AND "address_hash" = $2
       AND NOT EXISTS (SELECT 1 FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1)`;

async function rekeyLegacyDigest(db: Db, hashes: SmsAddressHashes): Promise<void> {
  await db.query(REKEY_LEGACY_DIGEST, [hashes.current, hashes.legacy]);
}
