import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InvalidRequestException } from '@harbor/service-runtime';
import { toWeeklyWindows } from '../policy/availability';
import { AddTrainingDto, AddUnavailabilityDto, PutScheduleDto, WEEKDAYS } from './availability.dto';
import { SupporterStore } from './supporter-store';

/** Schedules, ad-hoc unavailability, training records and pause/activate for one supporter. */
@Injectable()
export class SupporterAvailability {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly supporters: SupporterStore,
  ) {}

  async putSchedule(supporterId: string, dto: PutScheduleDto) {
    const windows = toWeeklyWindows(dto.windows.map((window) => ({ day: WEEKDAYS.indexOf(window.day) + 1, start: window.start, end: window.end })));
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      await this.supporters.setSchedule(manager, supporterId, dto.timeZone, windows);
      await this.supporters.refreshAvailability(manager, supporterId);
      return { supporterId, timeZone: dto.timeZone, windows };
    });
  }

  async addUnavailability(supporterId: string, dto: AddUnavailabilityDto) {
    if (Date.parse(dto.until) <= Date.parse(dto.from)) throw new InvalidRequestException([{ field: 'until', message: 'must be after from' }]);
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      const id = randomUUID();
      await this.supporters.addUnavailability(manager, { id, supporterId, from: dto.from, until: dto.until });
      await this.syncUnavailable(manager, supporterId);
      return { id, supporterId, from: dto.from, until: dto.until };
    });
  }

  async removeUnavailability(supporterId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      if (!(await this.supporters.removeUnavailability(manager, supporterId, id))) {
        throw new NotFoundException(`No unavailability ${id} for supporter ${supporterId}.`);
      }
      await this.syncUnavailable(manager, supporterId);
    });
  }

  /** Copies the current and future periods onto the supporter row, where a matching decision reads them. */
  private async syncUnavailable(manager: EntityManager, supporterId: string): Promise<void> {
    await this.supporters.copyUnavailability(manager, supporterId);
    await this.supporters.refreshAvailability(manager, supporterId);
  }

  /** Records a completed training; the supporter's training is current until the latest expiry on record. */
  async addTraining(supporterId: string, dto: AddTrainingDto) {
    if (dto.expiresOn < dto.completedOn) throw new InvalidRequestException([{ field: 'expiresOn', message: 'must not be before completedOn' }]);
    return this.dataSource.transaction(async (manager) => {
      await this.lockSupporter(manager, supporterId);
      const id = randomUUID();
      const trainingExpiresOn = await this.supporters.addTraining(manager, {
        id, supporterId, course: dto.course, completedOn: dto.completedOn, expiresOn: dto.expiresOn,
      });
      return { id, supporterId, trainingExpiresOn };
    });
  }

  async setStatus(supporterId: string, status: 'active' | 'paused') {
    if (!(await this.supporters.setStatus(supporterId, status))) throw new NotFoundException(`No supporter ${supporterId}.`);
    return { id: supporterId, status };
  }

  async describe(supporterId: string) {
    const supporter = await this.supporters.describe(supporterId);
    if (!supporter) throw new NotFoundException(`No supporter ${supporterId}.`);
    return supporter;
  }

  private async lockSupporter(manager: EntityManager, supporterId: string): Promise<void> {
    if (!(await this.supporters.lock(manager, supporterId))) throw new NotFoundException(`No supporter ${supporterId}.`);
  }
}
