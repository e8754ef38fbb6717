import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AttendanceBand, GroupDebriefStatus } from '@harbor/contracts';

export interface GroupDebrief {
  id: string;
  unit: string;
  program: string;
  facility: string;
  clinicians: number;
  status: GroupDebriefStatus;
  attendanceBand: AttendanceBand | null;
  coordinatorsPaged: number;
  offeredAt: string;
  closedAt: string | null;
  closedBy: string | null;
}

const COLUMNS = `"id", "unit", "program", "facility", "clinicians", "status", "attendance_band", "coordinators_paged", "offered_at", "closed_at", "closed_by"`;

/* eslint-disable @typescript-eslint/no-explicit-any */
const toDebrief = (row: any): GroupDebrief => ({
  id: row.id,
  unit: row.unit,
  program: row.program,
  facility: row.facility,
  clinicians: row.clinicians,
  status: row.status,
  attendanceBand: row.attendance_band ?? null,
  coordinatorsPaged: row.coordinators_paged,
  offeredAt: new Date(row.offered_at).toISOString(),
  closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
  closedBy: row.closed_by ?? null,
});
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The one owner of `"matching"."group_debrief_tally"` and `"matching"."group_debriefs"`. */
@Injectable()
export class GroupDebriefStore {
  /**
   * Counts the clinician for the event's unit (once, whatever the redeliveries); returns the unit's count now. The
   * caller holds the event's lock (CaseStore.resolveAndLockClinician): without it, two clinicians of one event consumed
   * at once (different partitions, two replicas) would each count the other's row as not yet there and neither would
   * reach the threshold.
   */
  async noteMember(manager: EntityManager, eventKey: string, unit: string, member: string): Promise<number> {
    await manager.query(
      `INSERT INTO "matching"."group_debrief_tally" ("event_key", "unit", "member") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [eventKey, unit, member],
    );
    const [{ count }] = await manager.query(
      `SELECT count(*)::int AS "count" FROM "matching"."group_debrief_tally" WHERE "event_key" = $1 AND "unit" = $2`,
      [eventKey, unit],
    );
    return count;
  }

  /** Opens the (event, unit)'s debrief; undefined when it already has one (the unique constraint decides). */
  async open(manager: EntityManager, debrief: { id: string; eventKey: string; unit: string; program: string; facility: string; clinicians: number }): Promise<GroupDebrief | undefined> {
    const [row] = await manager.query(
      `INSERT INTO "matching"."group_debriefs" ("id", "event_key", "unit", "program", "facility", "clinicians")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ON CONSTRAINT "group_debriefs_one_per_event_unit" DO NOTHING RETURNING ${COLUMNS}`,
      [debrief.id, debrief.eventKey, debrief.unit, debrief.program, debrief.facility, debrief.clinicians],
    );
    return row && toDebrief(row);
  }

  async recordPaged(manager: EntityManager, id: string, coordinators: number): Promise<void> {
    await manager.query(`UPDATE "matching"."group_debriefs" SET "coordinators_paged" = $2 WHERE "id" = $1`, [id, coordinators]);
  }

  async loadForUpdate(manager: EntityManager, id: string): Promise<GroupDebrief | undefined> {
    const [row] = await manager.query(`SELECT ${COLUMNS} FROM "matching"."group_debriefs" WHERE "id" = $1 FOR UPDATE`, [id]);
    return row && toDebrief(row);
  }

  async close(manager: EntityManager, id: string, status: GroupDebriefStatus, attendanceBand: AttendanceBand | null, closedBy: string): Promise<GroupDebrief> {
    // Wrapped in a CTE so the driver returns the rows themselves (a bare UPDATE … RETURNING gives [rows, count]).
    const [row] = await manager.query(
      `WITH closed AS (
         UPDATE "matching"."group_debriefs" SET "status" = $2, "attendance_band" = $3, "closed_at" = now(), "closed_by" = $4 WHERE "id" = $1 RETURNING ${COLUMNS}
       ) SELECT * FROM closed`,
      [id, status, attendanceBand, closedBy],
    );
    return toDebrief(row);
  }

  async find(manager: EntityManager, id: string): Promise<GroupDebrief | undefined> {
    const [row] = await manager.query(`SELECT ${COLUMNS} FROM "matching"."group_debriefs" WHERE "id" = $1`, [id]);
    return row && toDebrief(row);
  }

  /** Newest first. */
  async list(manager: EntityManager, filter: { status?: GroupDebriefStatus; program?: string; limit: number }): Promise<GroupDebrief[]> {
    const rows = await manager.query(
      `SELECT ${COLUMNS} FROM "matching"."group_debriefs"
        WHERE ($1::text IS NULL OR "status" = $1) AND ($2::text IS NULL OR "program" = $2)
        ORDER BY "offered_at" DESC, "id" LIMIT $3`,
      [filter.status ?? null, filter.program ?? null, filter.limit],
    );
    return rows.map(toDebrief);
  }

  /** Forgetting on time: tally rows older than the cutoff (the debrief, if any, stays; it names nobody). */
  async purgeTallyBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH due AS (
         SELECT "event_key", "unit", "member" FROM "matching"."group_debrief_tally" WHERE "noted_at" < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
       ), purged AS (
         DELETE FROM "matching"."group_debrief_tally" t USING due
          WHERE t."event_key" = due."event_key" AND t."unit" = due."unit" AND t."member" = due."member" RETURNING 1
       ) SELECT * FROM purged`,
      [cutoff, limit],
    );
    return rows.length;
  }
}
