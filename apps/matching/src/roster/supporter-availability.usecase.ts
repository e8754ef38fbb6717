import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InvalidRequestException } from '@harbor/service-runtime';
import { toWeeklyWindows } from '../policy/availability';
import { refreshAvailability } from './availability-refresh';
import { AddTrainingDto, AddUnavailabilityDto, PutScheduleDto, WEEKDAYS } from './availability.dto';

/** Schedules, ad-hoc unavailability, training records and pause/activate for one supporter. */
@Injectable()
export class SupporterAvailability {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async putSchedule(supporterId: string, dto: PutScheduleDto) {
    const windows = toWeeklyWindows(dto.windows.map((window) => ({ day: WEEKDAYS.indexOf(window.day) + 1, start: window.start, end: window.end })));
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      await manager.query(`UPDATE "matching"."supporters" SET "time_zone" = $2, "schedule" = $3, "updated_at" = now() WHERE "id" = $1`, [
        supporterId, dto.timeZone, JSON.stringify(windows.map((window) => [window.day, window.startMinute, window.endMinute])),
      ]);
      await refreshAvailability(manager, supporterId);
      return { supporterId, timeZone: dto.timeZone, windows };
    });
  }

  async addUnavailability(supporterId: string, dto: AddUnavailabilityDto) {
    if (Date.parse(dto.until) <= Date.parse(dto.from)) throw new InvalidRequestException([{ field: 'until', message: 'must be after from' }]);
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      const id = randomUUID();
      await manager.query(
        `INSERT INTO "matching"."supporter_unavailability" ("id", "supporter_id", "starts_at", "ends_at") VALUES ($1, $2, $3, $4)`,
        [id, supporterId, dto.from, dto.until],
      );
      await this.syncUnavailable(manager, supporterId);
      return { id, supporterId, from: dto.from, until: dto.until };
    });
  }

  async removeUnavailability(supporterId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      const rows: unknown[] = await manager.query(
        `WITH gone AS (DELETE FROM "matching"."supporter_unavailability" WHERE "id" = $1 AND "supporter_id" = $2 RETURNING 1) SELECT * FROM gone`,
        [id, supporterId],
      );
      if (rows.length === 0) throw new NotFoundException(`No unavailability ${id} for supporter ${supporterId}.`);
      await this.syncUnavailable(manager, supporterId);
    });
  }

  /** Copies the current and future periods onto the supporter row, where a matching decision reads them. */
  private async syncUnavailable(manager: EntityManager, supporterId: string): Promise<void> {
    await this.copyPeriods(manager, supporterId);
    await refreshAvailability(manager, supporterId);
  }

  private async copyPeriods(manager: EntityManager, supporterId: string): Promise<void> {
    await manager.query(
      `UPDATE "matching"."supporters" SET "updated_at" = now(), "unavailable" = (
         SELECT coalesce(jsonb_agg(jsonb_build_array("starts_at", "ends_at") ORDER BY "starts_at"), '[]'::jsonb)
         FROM "matching"."supporter_unavailability" WHERE "supporter_id" = $1 AND "ends_at" > now()
       ) WHERE "id" = $1`,
      [supporterId],
    );
  }

  /** Records a completed training; the supporter's training is current until the latest expiry on record. */
  async addTraining(supporterId: string, dto: AddTrainingDto) {
    if (dto.expiresOn < dto.completedOn) throw new InvalidRequestException([{ field: 'expiresOn', message: 'must not be before completedOn' }]);
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      const id = randomUUID();
      await manager.query(
        `INSERT INTO "matching"."training_records" ("id", "supporter_id", "course", "completed_on", "expires_on") VALUES ($1, $2, $3, $4, $5)`,
        [id, supporterId, dto.course, dto.completedOn, dto.expiresOn],
      );
      const [row] = await manager.query(
        `WITH updated AS (
           UPDATE "matching"."supporters" SET "training_expires_on" = GREATEST("training_expires_on", $2::date), "updated_at" = now()
           WHERE "id" = $1 RETURNING to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn"
         ) SELECT * FROM updated`,
        [supporterId, dto.expiresOn],
      );
      return { id, supporterId, trainingExpiresOn: row.trainingExpiresOn as string };
    });
  }

  async setStatus(supporterId: string, status: 'active' | 'paused') {
    const rows: unknown[] = await this.dataSource.query(
      `WITH changed AS (UPDATE "matching"."supporters" SET "status" = $2, "updated_at" = now() WHERE "id" = $1 RETURNING 1) SELECT * FROM changed`,
      [supporterId, status],
    );
    if (rows.length === 0) throw new NotFoundException(`No supporter ${supporterId}.`);
    return { id: supporterId, status };
  }

  async describe(supporterId: string) {
    const [supporter] = await this.dataSource.query(
      `SELECT "id", "program", "profession", "department", "facility", "languages", "status", "opted_out" AS "optedOut",
              to_char("training_expires_on", 'YYYY-MM-DD') AS "trainingExpiresOn", "open_cases" AS "openCases",
              "max_open_cases" AS "maxOpenCases", "last_assigned_at" AS "lastAssignedAt", "time_zone" AS "timeZone", "schedule"
       FROM "matching"."supporters" WHERE "id" = $1`,
      [supporterId],
    );
    if (!supporter) throw new NotFoundException(`No supporter ${supporterId}.`);
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
    const schedule = (supporter.schedule as number[][]).map(([day, startMinute, endMinute]) => ({ day, startMinute, endMinute }));
    return { ...supporter, schedule, unavailability, training };
  }

  private async lockSupporter(manager: EntityManager, supporterId: string): Promise<void> {
    const [row] = await manager.query(`SELECT 1 FROM "matching"."supporters" WHERE "id" = $1 FOR UPDATE`, [supporterId]);
    if (!row) throw new NotFoundException(`No supporter ${supporterId}.`);
  }
}
