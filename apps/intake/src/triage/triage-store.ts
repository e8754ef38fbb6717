import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SourceIdentifier } from '../triggers/normalized-trigger';
import { StoredTrigger } from '../triggers/trigger-store';

export interface TriageItemView {
  id: string;
  triggerId: string;
  reason: string;
  /** What the source gave instead of an identifier; gone once the item is resolved. */
  displayText: string | null;
  /** The identifiers the source gave for the person (system possibly null); gone once the item is resolved. */
  identifiers: SourceIdentifier[];
  kind: string;
  category: string;
  harmLevel: string | null;
  facility: string;
  department: string | null;
  occurredAt: string;
  createdAt: string;
}

export type TriageResolution = 'assigned' | 'dismissed';

/**
 * The one owner of `"intake"."triage_items"`. Its reads join the trigger each item belongs to (read only: the
 * triggers themselves are TriggerStore's).
 */
@Injectable()
export class TriageStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Opens an item for a person the trigger could not identify; false when the same item is already there. */
  async open(
    manager: EntityManager,
    item: { id: string; triggerId: string; reason: string; dedupeKey: string; displayText: string | null; identifiers?: SourceIdentifier[] | null },
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "intake"."triage_items" ("id", "trigger_id", "reason", "dedupe_key", "display_text", "identifiers")
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
      [item.id, item.triggerId, item.reason, item.dedupeKey, item.displayText, item.identifiers?.length ? JSON.stringify(item.identifiers) : null],
    );
    return inserted.length > 0;
  }

  /** A trigger that no longer calls for outreach closes its open items (and forgets what they said). */
  async dismissOpenOf(manager: EntityManager, triggerId: string): Promise<void> {
    await manager.query(
      `UPDATE "intake"."triage_items" SET "status" = 'dismissed', "display_text" = NULL, "identifiers" = NULL, "resolved_at" = now()
       WHERE "trigger_id" = $1 AND "status" = 'open'`,
      [triggerId],
    );
  }

  async listOpen(limit: number): Promise<TriageItemView[]> {
    const rows = await this.dataSource.query(
      `SELECT i."id", i."trigger_id" AS "triggerId", i."reason", i."display_text" AS "displayText",
              coalesce(i."identifiers", '[]'::jsonb) AS "identifiers", t."kind", t."category",
              t."harm_level" AS "harmLevel", t."facility", t."department", t."occurred_at" AS "occurredAt", i."created_at" AS "createdAt"
       FROM "intake"."triage_items" i JOIN "intake"."triggers" t ON t."id" = i."trigger_id"
       WHERE i."status" = 'open' ORDER BY i."created_at", i."id" LIMIT $1`,
      [limit],
    );
    return rows.map((row: TriageItemView & { occurredAt: Date; createdAt: Date }) => ({
      ...row,
      occurredAt: new Date(row.occurredAt).toISOString(),
      createdAt: new Date(row.createdAt).toISOString(),
    }));
  }

  /** Locks the item for the transaction; its status and its trigger, or undefined when there is no such item. */
  async lock(manager: EntityManager, id: string): Promise<{ status: string; trigger: StoredTrigger } | undefined> {
    const [row] = await manager.query(
      `SELECT i."status", t."id", t."kind", t."category", t."harm_level" AS "harmLevel", t."withdrawn", t."facility", t."department",
              t."occurred_at" AS "occurredAt"
       FROM "intake"."triage_items" i JOIN "intake"."triggers" t ON t."id" = i."trigger_id"
       WHERE i."id" = $1 FOR UPDATE OF i`,
      [id],
    );
    if (!row) return undefined;
    const { status, ...trigger } = row;
    return { status, trigger: { ...trigger, occurredAt: new Date(row.occurredAt).toISOString() } };
  }

  /** Open items older than `cutoff` expire: dismissed, and what they said about the person erased. Returns how many. */
  async expireOpenBefore(manager: EntityManager, cutoff: Date): Promise<number> {
    const expired: unknown[] = await manager.query(
      `WITH expired AS (
         UPDATE "intake"."triage_items" SET "status" = 'dismissed', "display_text" = NULL, "identifiers" = NULL, "resolved_at" = now()
         WHERE "status" = 'open' AND "created_at" < $1 RETURNING 1
       )
       SELECT 1 FROM expired`,
      [cutoff],
    );
    return expired.length;
  }

  /** Resolving an item forgets what the source said about the person: display text and identifiers. */
  async resolve(manager: EntityManager, id: string, status: TriageResolution): Promise<void> {
    await manager.query(
      `UPDATE "intake"."triage_items" SET "status" = $2, "display_text" = NULL, "identifiers" = NULL, "resolved_at" = now() WHERE "id" = $1`,
      [id, status],
    );
  }
}
