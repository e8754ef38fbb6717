import { DataSource, EntityManager } from 'typeorm';
import { SmsAddressHashes } from './address-hash';

type Db = DataSource | EntityManager;

// A number's SMS consent, stored by digest only. STOP and START are applied in the order the supporter wrote them
// (Twilio's time of the message), so a STOP that arrives late — or is replayed — cannot undo a later START.

/**
 * A number's consent as parts of another statement (the dispatcher's intent, one round trip per page): the CTE
 * `"rekeyed"` moves a legacy digest to the current key, and `optedOut` is true when the number opted out. A row the
 * CTE rekeys is not yet visible to the statement's own read, so its consent comes from RETURNING. `current` and
 * `legacy` are the placeholders of the two digests.
 */
export function smsConsentSql(current: string, legacy: string): { rekeyed: string; optedOut: string } {
  return {
    rekeyed: `"rekeyed" AS (${rekeyLegacyDigestSql(current, legacy)} RETURNING "opted_out")`,
    optedOut: `COALESCE((SELECT "opted_out" FROM "rekeyed"), (SELECT "opted_out" FROM "notification"."sms_opt_outs" WHERE "address_hash" = ${current}), false)`,
  };
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
const rekeyLegacyDigestSql = (current: string, legacy: string) => `UPDATE "notification"."sms_opt_outs" SET "address_hash" = ${current}, "legacy_hash" = false
     WHERE "legacy_hash" AND "address_hash" = ${legacy}
       AND NOT EXISTS (SELECT 1 FROM "notification"."sms_opt_outs" WHERE "address_hash" = ${current})`;

async function rekeyLegacyDigest(db: Db, hashes: SmsAddressHashes): Promise<void> {
  await db.query(rekeyLegacyDigestSql('$1', '$2'), [hashes.current, hashes.legacy]);
}
