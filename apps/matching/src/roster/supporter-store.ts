import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChannelAddressV1, IdentifierV1 } from '@harbor/contracts';
import { WeeklyWindow } from '../policy/availability';
import { SupporterCandidate } from '../policy/matching-decision';

/** What the roster records about a supporter when staff create or replace one. */
export interface SupporterProfile {
  id: string;
  /** The supporter's own directory identifier, resolved to a clinician here. */
  clinicianIdentifier?: IdentifierV1;
  displayName: string;
  profession: string;
  department?: string;
  facility?: string;
  status: 'active' | 'paused';
  trainingExpiresOn?: string;
  maxOpenCases: number;
  channels: ChannelAddressV1[];
  program: string;
  languages: string[];
  timeZone: string;
  optedOut: boolean;
  /** The supporter opted in to more cases during the rest period after a severe case (default false). */
  acceptsCasesWhileResting?: boolean;
  /** The supporter agreed to be named on the end-of-year recognition list (default false). */
  recognitionConsent?: boolean;
}

/** One consenting supporter on the end-of-year recognition list: their name and what they did that year. */
export interface RecognisedSupporter {
  displayName: string;
  program: string;
  /** Cases whose offer they accepted in the year (UTC). */
  casesAccepted: number;
  /** Of those, the cases where they reached the colleague (a contact recorded). */
  colleaguesReached: number;
}

/** What staff read about one supporter (GET /v1/roster/supporters/:id). */
export interface SupporterView {
  id: string;
  displayName: string;
  program: string;
  profession: string;
  department: string | null;
  facility: string | null;
  languages: string[];
  status: string;
  optedOut: boolean;
  /** Linked to their own directory entry (`clinicianIdentifier`), so never matched to themselves. */
  linkedToDirectory: boolean;
  acceptsCasesWhileResting: boolean;
  recognitionConsent: boolean;
  recognitionConsentAt: Date | null;
  lastSevereAcceptedAt: Date | null;
  casesMonth: string | null;
  casesInMonth: number;
  trainingExpiresOn: string | null;
  openCases: number;
  maxOpenCases: number;
  lastAssignedAt: Date | null;
  timeZone: string;
  /** Where pages go, in the order tried: program staff manage them, so they read them back. */
  channels: ChannelAddressV1[];
  schedule: WeeklyWindow[];
  unavailability: { id: string; from: Date; until: Date }[];
  training: { id: string; course: string; completedOn: string; expiresOn: string }[];
}

/** One roster row as the console lists it (GET /v1/roster/supporters). */
export type SupporterListItem = Pick<
  SupporterView,
  'id' | 'displayName' | 'program' | 'profession' | 'department' | 'status' | 'optedOut' | 'trainingExpiresOn' | 'openCases' | 'maxOpenCases' | 'channels'
>;

/** A supporter whose training lapses soon (GET /v1/roster/training-lapses). */
export interface TrainingLapse {
  id: string;
  program: string;
  status: string;
  trainingExpiresOn: string;
  daysLeft: number;
}

/** A training reminder recorded as sent: the supporter, how to page them, and which reminder it is. */
export interface DueTrainingReminder {
  supporterId: string;
  program: string;
  channels: ChannelAddressV1[];
  expiresOn: string;
  daysBefore: number;
}

/** One class of the candidate ranking: supporters of this department and/or profession (lower case); neither for anyone. */
export interface CandidateTier {
  department?: string;
  profession?: string;
}

/**
 * The rules that depend on the supporter row alone, filtered in SQL while the pool index is read: training
 * current on `trainedOn` (YYYY-MM-DD), under capacity (always), one of `languages` when given, not
 * `avoidDepartment` (lower case) when given, not resting (`restedSince`) and under the monthly cap (`monthlyCap`) when given.
 */
export interface CandidateFilter {
  trainedOn: string;
  /** Care for the carers: not resting after a severe case accepted after `restedSince` (unless opted in to more). */
  restedSince?: Date;
  /** Care for the carers: fewer than `cap` cases taken in `month` (YYYY-MM). */
  monthlyCap?: { month: string; cap: number };
  languages?: string[];
  avoidDepartment?: string;
}

/** Supporters read per page of one tier. */
export const CANDIDATE_PAGE = 16;

const CANDIDATE_COLUMNS = `s."id", s."clinician_id", s."profession", s."department", s."languages", s."status", s."opted_out",
            to_char(s."training_expires_on", 'YYYY-MM-DD') AS training, s."open_cases", s."max_open_cases",
            s."last_assigned_at", s."time_zone", s."schedule", s."unavailable", s."last_severe_accepted_at",
            s."accepts_cases_while_resting", to_char(s."cases_month", 'YYYY-MM') AS cases_month, s."cases_in_month"`;
/** The pool indexes' predicate: active, not opted out, and on call at the last availability refresh. */
const POOL = `FROM "matching"."supporters" s WHERE s."program" = $1 AND s."status" = 'active' AND NOT s."opted_out" AND s."available_now"`;
const ORDER = `ORDER BY s."program", s."open_cases", s."last_assigned_at" NULLS FIRST, s."id"`;

/** The conditions of a tier and of the filter, numbering their parameters after those already in `params`. */
function candidateConditions(tier: CandidateTier, filter: CandidateFilter | undefined, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (tier.department !== undefined) conditions.push(`lower(s."department") = ${param(tier.department)}`);
  if (tier.profession !== undefined) conditions.push(`lower(s."profession") = ${param(tier.profession)}`);
  if (filter) {
    conditions.push(`s."open_cases" < s."max_open_cases"`, `s."training_expires_on" >= ${param(filter.trainedOn)}::date`);
    if (filter.languages) conditions.push(`s."languages" && ${param(filter.languages)}::text[]`);
    if (filter.avoidDepartment !== undefined) conditions.push(`lower(s."department") IS DISTINCT FROM ${param(filter.avoidDepartment)}`);
    if (filter.restedSince) conditions.push(restedCondition(param(filter.restedSince)));
    if (filter.monthlyCap) conditions.push(underCapCondition(param(`${filter.monthlyCap.month}-01`), param(filter.monthlyCap.cap)));
  }
  return conditions.map((condition) => `AND ${condition}`).join(' ');
}

/** Not resting: no severe case accepted after `since`, or opted in to more (policy/matching-decision.ts careExclusionsOf). */
const restedCondition = (since: string) =>
  `(s."accepts_cases_while_resting" OR s."last_severe_accepted_at" IS NULL OR s."last_severe_accepted_at" <= ${since}::timestamptz)`;
/** Under the monthly cap: the counter counts another month, or fewer than `cap` cases of `month` (its first day). */
const underCapCondition = (month: string, cap: string) => `(s."cases_month" IS DISTINCT FROM ${month}::date OR s."cases_in_month" < ${cap}::int)`;

/** The first page of each tier as one UNION ALL; each branch keeps its own index order and limit (exported for the bench's plans). */
export function candidateFirstPagesSql(program: string, tiers: CandidateTier[], filter?: CandidateFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [program];
  const branches = tiers.map(
    (tier, index) => `(SELECT ${index} AS tier, ${CANDIDATE_COLUMNS} ${POOL} ${candidateConditions(tier, filter, params)} ${ORDER} LIMIT ${CANDIDATE_PAGE})`,
  );
  return { sql: branches.join('\nUNION ALL\n'), params };
}

/** A further page of one tier, in the ranking's order (exported for the bench's plans). */
export function candidatePageSql(program: string, tier: CandidateTier, offset: number, filter?: CandidateFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [program, offset];
  return { sql: `SELECT ${CANDIDATE_COLUMNS} ${POOL} ${candidateConditions(tier, filter, params)} ${ORDER} LIMIT ${CANDIDATE_PAGE} OFFSET $2`, params };
}

/** A supporter row as the policy reads it. */
export function toCandidate(row: Record<string, unknown>): SupporterCandidate {
  return {
    id: row.id as string,
    clinicianId: row.clinician_id as string | null,
    profession: row.profession as string,
    department: row.department as string | null,
    languages: row.languages as string[],
    status: row.status as string,
    optedOut: row.opted_out as boolean,
    trainingExpiresOn: row.training as string | null,
    openCases: Number(row.open_cases),
    maxOpenCases: Number(row.max_open_cases),
    lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at as string) : null,
    lastSevereAcceptedAt: row.last_severe_accepted_at ? new Date(row.last_severe_accepted_at as string) : null,
    acceptsCasesWhileResting: Boolean(row.accepts_cases_while_resting),
    casesMonth: (row.cases_month as string | null) ?? null,
    casesInMonth: Number(row.cases_in_month ?? 0),
    availability: {
      timeZone: row.time_zone as string,
      windows: toWindows(row.schedule as number[][]),
      unavailable: (row.unavailable as string[][]).map(([startsAt, endsAt]) => ({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) })),
    },
  };
}

/** The schedule column holds `[isoDay, startMinute, endMinute]` triples. */
const toWindows = (schedule: number[][]): WeeklyWindow[] => schedule.map(([day, startMinute, endMinute]) => ({ day, startMinute, endMinute }));

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
 * The one owner of the roster: `"matching"."supporters"`, `"matching"."supporter_unavailability"`,
 * `"matching"."training_records"` and `"matching"."training_reminders"`. Cases reserve and release a supporter's capacity through it and read
 * candidates from it; the roster's use cases change profiles, schedules, periods and training. Its upsert reads
 * the directory's `"matching"."clinician_identifiers"` (read only: the directory is directory-store.ts's).
 * Writes take the caller's EntityManager, so they join its transaction.
 */
/**
 * The reservation of the first of `supporterIds` with room, as CTEs `candidate` and `reserved` (id, channels) for a
 * caller to finish with its own SELECT. LIMIT 1 above the row locking: only the one row reserved is locked, however
 * many ids are tried. Wrapped in CTEs so the driver returns plain rows (a bare UPDATE returns [rows, count]).
 */
function reservation(supporterIds: string[], care: Pick<CandidateFilter, 'restedSince' | 'monthlyCap'> | undefined, wait: boolean) {
  const params: unknown[] = [supporterIds];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (care?.restedSince) conditions.push(restedCondition(param(care.restedSince)));
  let count = '';
  let month: string | undefined;
  if (care?.monthlyCap) {
    month = param(`${care.monthlyCap.month}-01`);
    if (care.monthlyCap.cap > 0) conditions.push(underCapCondition(month, param(care.monthlyCap.cap)));
    count = `, "cases_in_month" = CASE WHEN s."cases_month" = ${month}::date THEN s."cases_in_month" + 1 ELSE 1 END, "cases_month" = ${month}::date`;
  }
  const sql = `WITH candidate AS (
       SELECT "id" FROM "matching"."supporters" s
       WHERE "id" = ANY($1::text[]) AND "open_cases" < "max_open_cases" AND "status" = 'active' AND NOT "opted_out" ${conditions.map((condition) => `AND ${condition}`).join(' ')}
       ORDER BY array_position($1::text[], s."id") LIMIT 1
       FOR NO KEY UPDATE${wait ? '' : ' SKIP LOCKED'}
     ), reserved AS (
       UPDATE "matching"."supporters" s SET "open_cases" = s."open_cases" + 1, "last_assigned_at" = now()${count}
       FROM candidate WHERE s."id" = candidate."id" RETURNING s."id", s."channels"
     )`;
  return { sql, params, month };
}

@Injectable()
export class SupporterStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Creates or replaces the supporter's profile (never lowering capacity below its open cases); true when it was
   * created. A profile without `clinicianIdentifier` keeps the supporter's link to their own directory entry: an
   * edit that does not mention it (the console's form) must not make them matchable to themselves.
   */
  async save(manager: EntityManager, profile: SupporterProfile): Promise<boolean> {
    const [{ inserted }] = await manager.query(
      `INSERT INTO "matching"."supporters"
         ("id", "clinician_id", "display_name", "profession", "department", "facility", "status", "training_expires_on",
          "max_open_cases", "channels", "program", "languages", "time_zone", "opted_out", "accepts_cases_while_resting",
          "recognition_consent", "recognition_consent_at")
       VALUES ($1, (SELECT "clinician_id" FROM "matching"."clinician_identifiers" WHERE "system" = $2 AND "value" = $3),
               $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, CASE WHEN $17 THEN now() END)
       ON CONFLICT ("id") DO UPDATE SET "clinician_id" = CASE WHEN $2::text IS NULL THEN "supporters"."clinician_id" ELSE EXCLUDED."clinician_id" END, "display_name" = $4, "profession" = $5,
         "department" = $6, "facility" = $7, "status" = $8,
         "training_expires_on" = COALESCE(GREATEST($9::date, "supporters"."training_expires_on"), "supporters"."training_expires_on"),
         "max_open_cases" = GREATEST($10, "supporters"."open_cases"), "channels" = $11, "program" = $12, "languages" = $13,
         "time_zone" = $14, "opted_out" = $15, "accepts_cases_while_resting" = $16,
         "recognition_consent" = $17,
         "recognition_consent_at" = CASE WHEN NOT $17 THEN NULL WHEN "supporters"."recognition_consent" THEN "supporters"."recognition_consent_at" ELSE now() END,
         "updated_at" = now()
       RETURNING (xmax = 0) AS inserted`,
      [profile.id, profile.clinicianIdentifier?.system ?? null, profile.clinicianIdentifier?.value ?? null, profile.displayName, profile.profession,
        profile.department ?? null, profile.facility ?? null, profile.status, profile.trainingExpiresOn ?? null, profile.maxOpenCases,
        JSON.stringify(profile.channels), profile.program, profile.languages, profile.timeZone, profile.optedOut,
        profile.acceptsCasesWhileResting ?? false, profile.recognitionConsent ?? false],
    );
    return inserted;
  }

  /** Locks the supporter's row for the transaction; false when there is no such supporter. */
  async lock(manager: EntityManager, supporterId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM "matching"."supporters" WHERE "id" = $1 FOR UPDATE`, [supporterId]);
    return rows.length > 0;
  }

  async setSchedule(manager: EntityManager, supporterId: string, timeZone: string, windows: WeeklyWindow[]): Promise<void> {
    await manager.query(`UPDATE "matching"."supporters" SET "time_zone" = $2, "schedule" = $3, "updated_at" = now() WHERE "id" = $1`, [
      supporterId, timeZone, JSON.stringify(windows.map((window) => [window.day, window.startMinute, window.endMinute])),
    ]);
  }

  async addUnavailability(manager: EntityManager, period: { id: string; supporterId: string; from: string; until: string }): Promise<void> {
    await manager.query(
      `INSERT INTO "matching"."supporter_unavailability" ("id", "supporter_id", "starts_at", "ends_at") VALUES ($1, $2, $3, $4)`,
      [period.id, period.supporterId, period.from, period.until],
    );
  }

  /** False when the supporter has no such period. */
  async removeUnavailability(manager: EntityManager, supporterId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH gone AS (DELETE FROM "matching"."supporter_unavailability" WHERE "id" = $1 AND "supporter_id" = $2 RETURNING 1) SELECT * FROM gone`,
      [id, supporterId],
    );
    return rows.length > 0;
  }

  /** Copies the current and future periods onto the supporter row, where a matching decision reads them. */
  async copyUnavailability(manager: EntityManager, supporterId: string): Promise<void> {
    await manager.query(
      `UPDATE "matching"."supporters" SET "updated_at" = now(), "unavailable" = (
         SELECT coalesce(jsonb_agg(jsonb_build_array("starts_at", "ends_at") ORDER BY "starts_at"), '[]'::jsonb)
         FROM "matching"."supporter_unavailability" WHERE "supporter_id" = $1 AND "ends_at" > now()
       ) WHERE "id" = $1`,
      [supporterId],
    );
  }

  /** Records a completed training; returns the supporter's training expiry (the latest on record), YYYY-MM-DD. */
  async addTraining(
    manager: EntityManager,
    training: { id: string; supporterId: string; course: string; completedOn: string; expiresOn: string },
  ): Promise<string> {
    await manager.query(
      `INSERT INTO "matching"."training_records" ("id", "supporter_id", "course", "completed_on", "expires_on") VALUES ($1, $2, $3, $4, $5)`,
      [training.id, training.supporterId, training.course, training.completedOn, training.expiresOn],
    );
    const [row] = await manager.query(
      `WITH updated AS (
         UPDATE "matching"."supporters" SET "training_expires_on" = GREATEST("training_expires_on", $2::date), "updated_at" = now()
         WHERE "id" = $1 RETURNING to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn"
       ) SELECT * FROM updated`,
      [training.supporterId, training.expiresOn],
    );
    return row.trainingExpiresOn as string;
  }

  /** Pauses or activates the supporter; false when there is no such supporter. */
  async setStatus(supporterId: string, status: 'active' | 'paused'): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH changed AS (UPDATE "matching"."supporters" SET "status" = $2, "updated_at" = now() WHERE "id" = $1 RETURNING 1) SELECT * FROM changed`,
      [supporterId, status],
    );
    return rows.length > 0;
  }

  /** The supporter with their schedule, current and future unavailability, and training records; undefined when unknown. */
  async describe(supporterId: string): Promise<SupporterView | undefined> {
    const [supporter] = await this.dataSource.query(
      `SELECT "id", "display_name" AS "displayName", "program", "profession", "department", "facility", "languages", "status", "opted_out" AS "optedOut",
              "clinician_id" IS NOT NULL AS "linkedToDirectory",
              "accepts_cases_while_resting" AS "acceptsCasesWhileResting", "last_severe_accepted_at" AS "lastSevereAcceptedAt",
              "recognition_consent" AS "recognitionConsent", "recognition_consent_at" AS "recognitionConsentAt",
              to_char("cases_month", 'YYYY-MM') AS "casesMonth", "cases_in_month" AS "casesInMonth",
              to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn", "open_cases" AS "openCases",
              "max_open_cases" AS "maxOpenCases", "last_assigned_at" AS "lastAssignedAt", "time_zone" AS "timeZone", "channels", "schedule"
       FROM "matching"."supporters" WHERE "id" = $1`,
      [supporterId],
    );
    if (!supporter) return undefined;
    const unavailability = await this.dataSource.query(
      `SELECT "id", "starts_at" AS "from", "ends_at" AS "until" FROM "matching"."supporter_unavailability"
       WHERE "supporter_id" = $1 AND "ends_at" > now() ORDER BY "starts_at"`,
      [supporterId],
    );
    const training = await this.dataSource.query(
      `SELECT "id", "course", to_char("completed_on", 'YYYY-MM-DD') AS "completedOn", to_char("expires_on", 'YYYY-MM-DD') AS "expiresOn"
       FROM "matching"."training_records" WHERE "supporter_id" = $1 ORDER BY "completed_on" DESC`,
      [supporterId],
    );
    return { ...supporter, schedule: toWindows(supporter.schedule), unavailability, training };
  }

  /** The roster ordered by id, after `after`, at most `limit` rows. */
  async list(filter: { program?: string; status?: string; after?: string; limit: number }): Promise<SupporterListItem[]> {
    return this.dataSource.query(
      `SELECT "id", "display_name" AS "displayName", "program", "profession", "department", "status", "opted_out" AS "optedOut",
              to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn", "open_cases" AS "openCases", "max_open_cases" AS "maxOpenCases", "channels"
       FROM "matching"."supporters"
       WHERE ($1::text IS NULL OR "program" = $1) AND ($2::text IS NULL OR "status" = $2) AND ($3::text IS NULL OR "id" > $3)
       ORDER BY "id" LIMIT $4`,
      [filter.program ?? null, filter.status ?? null, filter.after ?? null, filter.limit],
    );
  }

  /**
   * The end-of-year recognition list: every supporter who consented (of one program, or all), with the cases whose
   * offer they accepted in the calendar year (UTC, by the time they accepted) and how many of those colleagues they
   * reached (the case has a recorded contact). Names and counts only: no supporter id, no clinician, no case. A
   * consenting supporter who has left the program appears only for a year in which they took a case; one who did
   * not consent never appears. Sorted by name, for reading out.
   */
  async recognitionList(year: number, program: string | undefined): Promise<RecognisedSupporter[]> {
    return this.dataSource.query(
      `SELECT s."display_name" AS "displayName", s."program",
              count(a."id")::int AS "casesAccepted",
              count(a."id") FILTER (WHERE c."contacted_at" IS NOT NULL)::int AS "colleaguesReached"
         FROM "matching"."supporters" s
         LEFT JOIN "matching"."assignments" a
           ON a."supporter_id" = s."id" AND a."status" IN ('accepted', 'completed')
          AND a."responded_at" >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC') AND a."responded_at" < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')
         LEFT JOIN "matching"."cases" c ON c."id" = a."case_id"
        WHERE s."recognition_consent" AND ($2::text IS NULL OR s."program" = $2)
        GROUP BY s."id"
       HAVING NOT s."opted_out" OR count(a."id") > 0
        ORDER BY lower(s."display_name"), s."display_name", s."id"`,
      [year, program ?? null],
    );
  }

  /**
   * Recomputes the cached `available_now` flag that keeps off-call supporters out of the pool indexes: for one
   * supporter after a roster change, or for everyone on the scheduler's refresh (only rows whose value changed
   * are written). Returns how many rows changed.
   */
  async refreshAvailability(manager: EntityManager, supporterId?: string): Promise<number> {
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

  /** Whether this transaction may run the roster-wide availability refresh: one replica at a time, the others skip it. */
  async tryLockAvailabilityRefresh(manager: EntityManager): Promise<boolean> {
    const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('harbor-matching-availability')) AS locked`);
    return locked;
  }

  /**
   * Takes one unit of the supporter's capacity atomically; returns the supporter's channels, or undefined when
   * the supporter is full, inactive, opted out or (without `wait`) held by another transaction. With `wait`, the
   * lock is waited for. See reserveFirstFree.
   */
  async reserve(manager: EntityManager, supporterId: string, wait = false, care?: Pick<CandidateFilter, 'restedSince' | 'monthlyCap'>): Promise<ChannelAddressV1[] | undefined> {
    return (await this.reserveFirstFree(manager, [supporterId], care, wait))?.channels;
  }

  /**
   * Takes one unit of capacity of the first supporter of `supporterIds` (in that order) who still has room and
   * whom no other transaction holds, in one statement, locking that row only; undefined when none of them can be
   * reserved now. A row another decision holds right now is skipped (SKIP LOCKED) rather than waited for: that
   * decision is about to raise the supporter's load and last-assigned time, after which the ranking would put
   * them behind the next one anyway. The capacity, status, rest period and monthly cap are re-checked under the
   * lock, and with `care.monthlyCap` the offer counts towards that month's cases. With `wait`, locks are waited for.
   * The row stays locked until the caller's transaction ends; see holdFirstFree for a reservation that does not.
   */
  async reserveFirstFree(
    manager: EntityManager,
    supporterIds: string[],
    care?: Pick<CandidateFilter, 'restedSince' | 'monthlyCap'>,
    wait = false,
  ): Promise<{ id: string; channels: ChannelAddressV1[] } | undefined> {
    if (supporterIds.length === 0) return undefined;
    const { sql, params } = reservation(supporterIds, care, wait);
    const [row] = await manager.query(`${sql} SELECT * FROM reserved`, params);
    return row ? { id: row.id, channels: row.channels } : undefined;
  }

  /**
   * Like reserveFirstFree, but committed at once in its own short transaction, so the supporter's row is locked
   * for one statement instead of until the decision's (possibly long, batched) transaction commits; concurrent
   * decisions see the new load at once. The capacity taken is recorded as a hold (`holdId`, the id the offer
   * will have). The caller's transaction must then claim the hold (claimHold) in the transaction that writes the
   * offer: if that transaction never commits, the hold is left behind and releaseAbandonedHolds gives the
   * capacity back. Never waits for a lock (a row the caller's own transaction holds is skipped, not waited on).
   */
  async holdFirstFree(
    supporterIds: string[],
    holdId: string,
    care?: Pick<CandidateFilter, 'restedSince' | 'monthlyCap'>,
  ): Promise<{ id: string; channels: ChannelAddressV1[] } | undefined> {
    if (supporterIds.length === 0) return undefined;
    const { sql, params, month } = reservation(supporterIds, care, false);
    const hold = `$${params.push(holdId)}`;
    // The hold commits without waiting for its WAL to reach disk (synchronous_commit off for this one statement's
    // transaction): nothing outside the database acts on it, and the offer's transaction, which commits durably,
    // flushes the WAL up to its own commit, the hold's included. A database crash in between loses the hold and the
    // offer together (docs/matching.md, "Concurrent decisions").
    const [row] = await this.dataSource.query(
      `${sql}, held AS (
         INSERT INTO "matching"."capacity_holds" ("id", "supporter_id", "counted_month")
         SELECT ${hold}::uuid, "id", ${month ? `${month}::date` : 'NULL::date'} FROM reserved
       ), asynchronous AS (SELECT set_config('synchronous_commit', 'off', true))
       SELECT reserved.* FROM reserved, asynchronous`,
      params,
    );
    return row ? { id: row.id, channels: row.channels } : undefined;
  }

  /**
   * Turns a hold into part of the caller's transaction: its row is deleted there (and locked until commit, so the
   * sweep skips it). False when the hold is gone, i.e. the sweep already gave its capacity back.
   */
  async claimHold(manager: EntityManager, holdId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH claimed AS (DELETE FROM "matching"."capacity_holds" WHERE "id" = $1 RETURNING 1) SELECT * FROM claimed`,
      [holdId],
    );
    return rows.length > 0;
  }

  /**
   * Gives back the capacity of holds older than `olderThanSeconds` that no transaction claimed or is claiming (the
   * decision's transaction rolled back or its process died between the hold and the commit). Holds being claimed
   * right now are locked by the claiming transaction and skipped. Returns how many holds were released.
   */
  async releaseAbandonedHolds(olderThanSeconds: number, limit = 100): Promise<number> {
    return this.releaseHoldsWhere(`"created_at" < now() - make_interval(secs => $1) ORDER BY "created_at" LIMIT $2`, [olderThanSeconds, limit]);
  }

  /** Gives back the capacity of these holds at once (their decision's transaction rolled back); claimed ones are skipped. */
  async releaseHolds(holdIds: string[]): Promise<number> {
    return this.releaseHoldsWhere(`"id" = ANY($1::uuid[])`, [holdIds]);
  }

  /** `selection`: the holds' WHERE condition, and the ORDER BY and LIMIT of a bounded sweep. */
  private async releaseHoldsWhere(selection: string, params: unknown[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const released: { supporter_id: string; counted_month: string | null }[] = await manager.query(
        `WITH stale AS (
           SELECT "id" FROM "matching"."capacity_holds" WHERE ${selection} FOR UPDATE SKIP LOCKED
         ), released AS (
           DELETE FROM "matching"."capacity_holds" h USING stale WHERE h."id" = stale."id" RETURNING h."supporter_id", to_char(h."counted_month", 'YYYY-MM') AS "counted_month"
         ) SELECT * FROM released ORDER BY "supporter_id"`,
        params,
      );
      for (const hold of released) await this.releaseCapacity(manager, hold.supporter_id, hold.counted_month ?? undefined);
      return released.length;
    });
  }

  /**
   * Gives back the unit of capacity an offer reserved. With `unacceptedOfMonth` (YYYY-MM, the month the offer
   * was made), the offer ended without acceptance (declined, expired, undeliverable, escalated): it no longer
   * counts towards that month's cases.
   */
  async releaseCapacity(manager: EntityManager, supporterId: string, unacceptedOfMonth?: string): Promise<void> {
    await manager.query(
      `UPDATE "matching"."supporters" SET "open_cases" = GREATEST("open_cases" - 1, 0),
         "cases_in_month" = CASE WHEN "cases_month" = $2::date THEN GREATEST("cases_in_month" - 1, 0) ELSE "cases_in_month" END
       WHERE "id" = $1`,
      [supporterId, unacceptedOfMonth ? `${unacceptedOfMonth}-01` : null],
    );
  }

  /**
   * The supporter accepted a case from a death or severe-harm event at `at`: their rest period starts then (never
   * later than now, so a skewed clock cannot lengthen it, and never earlier than a rest already running).
   */
  async startRest(manager: EntityManager, supporterId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE "matching"."supporters" SET "last_severe_accepted_at" = GREATEST("last_severe_accepted_at", LEAST($2::timestamptz, now())) WHERE "id" = $1`,
      [supporterId, at],
    );
  }

  /** How to page the supporter, in preferred order; undefined when unknown. */
  async channelsOf(manager: EntityManager, supporterId: string): Promise<ChannelAddressV1[] | undefined> {
    const [row] = await manager.query(`SELECT "channels" FROM "matching"."supporters" WHERE "id" = $1`, [supporterId]);
    return row?.channels;
  }

  /** The first page of each tier, in the ranking's order (one round trip), as candidates per tier. */
  async candidateFirstPages(manager: EntityManager, program: string, tiers: CandidateTier[], filter: CandidateFilter): Promise<SupporterCandidate[][]> {
    const { sql, params } = candidateFirstPagesSql(program, tiers, filter);
    const rows: (Record<string, unknown> & { tier: number })[] = await manager.query(sql, params);
    return tiers.map((_tier, index) => rows.filter((row) => Number(row.tier) === index).map(toCandidate));
  }

  /** The tier's page after the first `offset` supporters. */
  async candidatePage(manager: EntityManager, program: string, tier: CandidateTier, filter: CandidateFilter, offset: number): Promise<SupporterCandidate[]> {
    const { sql, params } = candidatePageSql(program, tier, offset, filter);
    const rows: Record<string, unknown>[] = await manager.query(sql, params);
    return rows.map(toCandidate);
  }

  /**
   * Supporters (not opted out) whose training expires between `today` and `within` days after it, soonest first,
   * for the console's "who lapses when". No names or contact details.
   */
  async trainingLapses(today: string, within: number, program?: string): Promise<TrainingLapse[]> {
    return this.dataSource.query(
      `SELECT "id", "program", "status", to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn",
              ("training_expires_on" - $1::date) AS "daysLeft"
       FROM "matching"."supporters"
       WHERE NOT "opted_out" AND "training_expires_on" BETWEEN $1::date AND $1::date + $2::int AND ($3::text IS NULL OR "program" = $3)
       ORDER BY "training_expires_on", "id"`,
      [today, within, program ?? null],
    );
  }

  /**
   * Training reminders due on `today` (YYYY-MM-DD) and not yet sent, recorded as sent in the caller's transaction
   * (at most `limit`). A supporter whose training expires in n days is due the smallest threshold of `daysBefore`
   * that is at least n, once per (supporter, expiry date, threshold): the primary key of
   * `"matching"."training_reminders"` makes a second run, a restart or a second replica record nothing again.
   */
  async recordDueTrainingReminders(manager: EntityManager, today: string, daysBefore: number[], limit: number): Promise<DueTrainingReminder[]> {
    if (daysBefore.length === 0) return [];
    return manager.query(
      `WITH due AS (
         SELECT s."id", s."program", s."channels", s."training_expires_on" AS "expires_on", t."days_before"
         FROM "matching"."supporters" s
         CROSS JOIN LATERAL (SELECT min(d) AS "days_before" FROM unnest($2::int[]) d WHERE d >= s."training_expires_on" - $1::date) t
         WHERE NOT s."opted_out" AND s."training_expires_on" BETWEEN $1::date AND $1::date + $3::int
           AND NOT EXISTS (SELECT 1 FROM "matching"."training_reminders" r
                           WHERE r."supporter_id" = s."id" AND r."expires_on" = s."training_expires_on" AND r."days_before" = t."days_before")
         ORDER BY s."training_expires_on", s."id"
         LIMIT $4
       ), recorded AS (
         INSERT INTO "matching"."training_reminders" ("supporter_id", "expires_on", "days_before")
         SELECT "id", "expires_on", "days_before" FROM due
         ON CONFLICT DO NOTHING
         RETURNING "supporter_id", "expires_on", "days_before"
       )
       SELECT r."supporter_id" AS "supporterId", d."program", d."channels", to_char(r."expires_on", 'YYYY-MM-DD') AS "expiresOn",
              r."days_before" AS "daysBefore"
       FROM recorded r JOIN due d ON d."id" = r."supporter_id"
       ORDER BY r."expires_on", r."supporter_id"`,
      [today, daysBefore, Math.max(...daysBefore), limit],
    );
  }

  /**
   * Every supporter of the program, for the census an escalation records when nobody was eligible (which
   * rules excluded how many) and for staff's explanation of a case. Rare, so reading the whole roster is acceptable.
   */
  async pool(manager: EntityManager, program: string): Promise<SupporterCandidate[]> {
    const rows: Record<string, unknown>[] = await manager.query(`SELECT ${CANDIDATE_COLUMNS} FROM "matching"."supporters" s WHERE s."program" = $1`, [program]);
    return rows.map(toCandidate);
  }
}
