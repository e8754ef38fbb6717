import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DebriefFact } from '../metrics/group-debriefs';

/**
 * The one owner of `"reporting"."debrief_facts"`: one pseudonymous row per group debrief (keyed hash of its
 * id, the facility, the hour it was offered, its status and, once held, the attendance band).
 */
@Injectable()
export class DebriefFactStore {
  /** Records a status change; an `offered` arriving after the outcome (or again) never reopens it. */
  async record(manager: EntityManager, key: string, fact: { facility: string; hour: Date; status: string; attendanceBand: string | null }): Promise<void> {
    await manager.query(
      `INSERT INTO "reporting"."debrief_facts" ("debrief_key", "facility", "opened_hour", "status", "attendance_band")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("debrief_key") DO UPDATE SET
         "opened_hour" = CASE WHEN $4 = 'offered' THEN LEAST("debrief_facts"."opened_hour", $3) ELSE "debrief_facts"."opened_hour" END,
         "status" = CASE WHEN $4 = 'offered' THEN "debrief_facts"."status" ELSE $4 END,
         "attendance_band" = CASE WHEN $4 = 'offered' THEN "debrief_facts"."attendance_band" ELSE $5 END`,
      [key, fact.facility, fact.hour, fact.status, fact.attendanceBand],
    );
  }

  /** The debriefs offered in a calendar year. */
  async loadYear(manager: EntityManager, year: number): Promise<DebriefFact[]> {
    const rows: { opened_hour: Date; status: string; attendance_band: string | null }[] = await manager.query(
      `SELECT "opened_hour", "status", "attendance_band" FROM "reporting"."debrief_facts" WHERE "opened_hour" >= $1 AND "opened_hour" < $2`,
      [new Date(Date.UTC(year, 0, 1)), new Date(Date.UTC(year + 1, 0, 1))],
    );
    return rows.map((row) => ({ openedHour: new Date(row.opened_hour), status: row.status, attendanceBand: row.attendance_band }));
  }
}
