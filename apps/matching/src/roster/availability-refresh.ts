import { EntityManager } from 'typeorm';

/**
 * Availability at `now()` in SQL, the same rule as policy/availability.ts: not inside an ad-hoc period, and
 * inside a weekly window in the supporter's time zone when they keep a schedule.
 */
const AVAILABLE_NOW = `(NOT EXISTS (SELECT 1 FROM jsonb_array_elements(s."unavailable") p
                         WHERE (p->>0)::timestamptz <= now() AND (p->>1)::timestamptz > now())
   AND (s."schedule" = '[]'::jsonb OR EXISTS (
         SELECT 1 FROM jsonb_array_elements(s."schedule") w, (SELECT now() AT TIME ZONE s."time_zone" AS t) l
         WHERE (w->>0)::int = extract(isodow FROM l.t)
           AND (w->>1)::int <= extract(hour FROM l.t) * 60 + extract(minute FROM l.t)
           AND (w->>2)::int > extract(hour FROM l.t) * 60 + extract(minute FROM l.t))))`;

/**
 * Recomputes the cached `available_now` flag that keeps off-call supporters out of the pool indexes: for one
 * supporter after a roster change, or for everyone on the scheduler's refresh (only rows whose value changed
 * are written). Returns how many rows changed.
 */
export async function refreshAvailability(manager: EntityManager, supporterId?: string): Promise<number> {
  const rows: unknown[] = await manager.query(
    `WITH changed AS (
       UPDATE "matching"."supporters" s SET "available_now" = ${AVAILABLE_NOW}
       WHERE ($1::text IS NULL OR s."id" = $1) AND s."available_now" IS DISTINCT FROM ${AVAILABLE_NOW}
       RETURNING 1
     ) SELECT * FROM changed`,
    [supporterId ?? null],
  );
  return rows.length;
}
