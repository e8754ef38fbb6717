import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sendWithNextStatement } from '@harbor/persistence';
import { canonicalIdentifierSystem, HarmLevel, IdentifierV1, identifierKey, identifierSystemAliases, TriggerCategory, TriggerKind } from '@harbor/contracts';
import { optedOutSql } from '../opt-outs/opt-out-store';
import { NormalizedTrigger } from './normalized-trigger';
import { ClinicianDecision } from './outreach-policy';

/** A trigger's stored facts, enough to request support for a clinician assigned later from triage. */
export interface StoredTrigger {
  id: string;
  kind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  withdrawn: boolean;
  facility: string;
  department: string | null;
  occurredAt: string;
  /** Its clinicians were forgotten (retention): an update this late records nobody and asks nobody. */
  cliniciansPurged: boolean;
}

/** What was decided for one clinician of one trigger. */
export interface ClinicianRecord {
  decision: ClinicianDecision;
  requestId: string | null;
}

/** A clinician's record for one trigger, if any, and whether the cooldown after a recent request applies to them. */
export interface ClinicianStanding {
  known?: ClinicianRecord;
  recentlyRequested: boolean;
  /** On the opt-out registry (read with the rest: one statement per clinician). */
  optedOut: boolean;
}

/**
 * The one owner of `"intake"."triggers"` and `"intake"."trigger_clinicians"`: each source event once, and each
 * clinician it names with the decision made for them. Statements run in the caller's transaction.
 */
@Injectable()
export class TriggerStore {
  /**
   * Records the trigger once per (kind, source, source event id). A re-sent event updates what it says about
   * itself (an update may raise the harm or withdraw it); its clinicians are added elsewhere, never removed.
   */
  async upsert(manager: EntityManager, trigger: NormalizedTrigger): Promise<StoredTrigger> {
    const [row] = await manager.query(
      `INSERT INTO "intake"."triggers"
         ("id", "kind", "source", "source_event_id", "category", "harm_level", "withdrawn", "facility", "department", "occurred_at", "reported_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ("kind", "source", "source_event_id") DO UPDATE SET
         "category" = EXCLUDED."category", "harm_level" = EXCLUDED."harm_level", "withdrawn" = EXCLUDED."withdrawn",
         "facility" = EXCLUDED."facility", "department" = EXCLUDED."department", "reported_at" = EXCLUDED."reported_at", "updated_at" = now()
       RETURNING "id", "kind", "category", "harm_level" AS "harmLevel", "withdrawn", "facility", "department", "occurred_at" AS "occurredAt",
         "clinicians_purged_at" IS NOT NULL AS "cliniciansPurged"`,
      [randomUUID(), trigger.kind, trigger.source, trigger.sourceEventId, trigger.category, trigger.harmLevel ?? null, trigger.withdrawn ?? false,
        trigger.facility, trigger.department ?? null, trigger.occurredAt, trigger.reportedAt],
    );
    return { ...row, occurredAt: new Date(row.occurredAt).toISOString() };
  }

  /**
   * One clinician's triggers are decided one at a time (until the transaction ends), so two at once cannot both escape
   * the cooldown. Sent with the transaction's next statement, which Postgres runs after the lock is granted, as a
   * statement of its own (its own snapshot, so it sees what the lock waited for).
   */
  async lockClinician(manager: EntityManager, identifier: IdentifierV1): Promise<void> {
    // Keyed by the canonical system: an NPI named as URI by one trigger and as OID by another is one clinician.
    await sendWithNextStatement(manager, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `intake:clinician:${identifierKey({ system: canonicalIdentifierSystem(identifier.system), value: identifier.value })}`,
    ]);
  }

  /**
   * What is known of a clinician a trigger names, in one statement: what was decided for them on this trigger
   * (undefined when nothing yet), whether support was requested for them, by any trigger, within the last
   * `cooldownHours`, and whether they opted out. The cooldown and the opt-out match every spelling of the
   * identifier's system (the NPI as URI or OID), so a source that writes the other form cannot slip past either.
   */
  async clinicianStanding(manager: EntityManager, triggerId: string, identifier: IdentifierV1, cooldownHours: number): Promise<ClinicianStanding> {
    const [row]: { decision: ClinicianDecision | null; request_id: string | null; recently_requested: boolean; opted_out: boolean }[] = await manager.query(
      `SELECT k."decision", k."request_id",
         EXISTS (SELECT 1 FROM "intake"."trigger_clinicians" r
                  WHERE r."identifier_system" = ANY($5::text[]) AND r."identifier_value" = $3 AND r."request_id" IS NOT NULL
                    AND r."created_at" > now() - make_interval(hours => $4::int)) AS "recently_requested",
         ${optedOutSql('$5', '$3')} AS "opted_out"
       FROM (SELECT 1) AS "one"
       LEFT JOIN "intake"."trigger_clinicians" k ON k."trigger_id" = $1 AND k."identifier_system" = $2 AND k."identifier_value" = $3`,
      [triggerId, identifier.system, identifier.value, cooldownHours, identifierSystemAliases(identifier.system)],
    );
    return {
      known: row.decision === null ? undefined : { decision: row.decision, requestId: row.request_id },
      recentlyRequested: row.recently_requested,
      optedOut: row.opted_out,
    };
  }

  async saveClinician(manager: EntityManager, triggerId: string, identifier: IdentifierV1, record: ClinicianRecord): Promise<void> {
    // Nothing reads its answer: it goes with the transaction's next statement (at the latest its COMMIT).
    await sendWithNextStatement(manager,
      `INSERT INTO "intake"."trigger_clinicians" ("trigger_id", "identifier_system", "identifier_value", "decision", "request_id")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("trigger_id", "identifier_system", "identifier_value") DO UPDATE SET "decision" = EXCLUDED."decision", "request_id" = EXCLUDED."request_id", "created_at" = now()`,
      [triggerId, identifier.system, identifier.value, record.decision, record.requestId],
    );
  }

  /**
   * Forgets the clinicians of triggers unchanged since before `cutoff` (at most `limit` triggers): their
   * identifiers and decisions are deleted, the trigger keeps its coarse facts and when this happened. Returns how
   * many triggers were purged; one another transaction holds waits for the next run.
   */
  async purgeCliniciansBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<number> {
    const purged: { id: string }[] = await manager.query(
      `WITH due AS (
         SELECT "id" FROM "intake"."triggers" WHERE "clinicians_purged_at" IS NULL AND "updated_at" < $1 ORDER BY "updated_at" LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       , purged AS (UPDATE "intake"."triggers" t SET "clinicians_purged_at" = now() FROM due WHERE t."id" = due."id" RETURNING t."id")
       SELECT "id" FROM purged`,
      [cutoff, limit],
    );
    const ids = purged.map((row) => row.id);
    if (ids.length > 0) await manager.query(`DELETE FROM "intake"."trigger_clinicians" WHERE "trigger_id" = ANY($1::uuid[])`, [ids]);
    return ids.length;
  }
}
