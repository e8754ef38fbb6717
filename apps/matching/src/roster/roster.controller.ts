import {
  Body, Controller, Delete, Get, HttpCode, Injectable, NotFoundException, Param, ParseUUIDPipe, PipeTransform, Post, Put, Query, Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { Role, Roles } from '@harbor/auth';
import { AddTrainingDto, AddUnavailabilityDto, PutScheduleDto } from './availability.dto';
import { SupporterAvailability } from './supporter-availability.usecase';
import { SupporterStore } from './supporter-store';
import { ListSupportersQuery, UpsertSupporterDto } from './supporter.dto';
import { UpsertSupporter } from './upsert-supporter.usecase';

const SUPPORTER_ID = ':id';

/** Supporter ids as the roster accepts them; anything else is a 404 without reaching the database. */
@Injectable()
export class SupporterIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) throw new NotFoundException('No such supporter.');
    return value;
  }
}

@Controller('v1/roster/supporters')
export class RosterController {
  constructor(
    private readonly upsertSupporter: UpsertSupporter,
    private readonly availability: SupporterAvailability,
    private readonly supporters: SupporterStore,
  ) {}

  /** The roster for the console: one page ordered by id; `next` is the `after` of the following page. */
  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query() query: ListSupportersQuery) {
    const supporters = await this.supporters.list(query);
    const next = supporters.length === query.limit ? supporters[supporters.length - 1].id : null;
    return { supporters, next };
  }

  @Post()
  @Roles(Role.ProgramAdmin)
  async upsert(@Body() dto: UpsertSupporterDto, @Res({ passthrough: true }) response: Response) {
    const result = await this.upsertSupporter.execute(dto);
    response.status(result.created ? 201 : 200);
    return { id: dto.id };
  }

  @Get(SUPPORTER_ID)
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async describe(@Param('id', SupporterIdPipe) id: string) {
    return this.availability.describe(id);
  }

  @Put(`${SUPPORTER_ID}/schedule`)
  @Roles(Role.ProgramAdmin)
  async putSchedule(@Param('id', SupporterIdPipe) id: string, @Body() dto: PutScheduleDto) {
    return this.availability.putSchedule(id, dto);
  }

  @Post(`${SUPPORTER_ID}/unavailability`)
  @Roles(Role.ProgramAdmin)
  async addUnavailability(@Param('id', SupporterIdPipe) id: string, @Body() dto: AddUnavailabilityDto) {
    return this.availability.addUnavailability(id, dto);
  }

  @Delete(`${SUPPORTER_ID}/unavailability/:unavailabilityId`)
  @HttpCode(204)
  @Roles(Role.ProgramAdmin)
  async removeUnavailability(@Param('id', SupporterIdPipe) id: string, @Param('unavailabilityId', new ParseUUIDPipe()) unavailabilityId: string) {
    await this.availability.removeUnavailability(id, unavailabilityId);
  }

  @Post(`${SUPPORTER_ID}/training`)
  @Roles(Role.ProgramAdmin)
  async addTraining(@Param('id', SupporterIdPipe) id: string, @Body() dto: AddTrainingDto) {
    return this.availability.addTraining(id, dto);
  }

  @Post(`${SUPPORTER_ID}/pause`)
  @HttpCode(200)
  @Roles(Role.ProgramAdmin)
  async pause(@Param('id', SupporterIdPipe) id: string) {
    return this.availability.setStatus(id, 'paused');
  }

  @Post(`${SUPPORTER_ID}/activate`)
  @HttpCode(200)
  @Roles(Role.ProgramAdmin)
  async activate(@Param('id', SupporterIdPipe) id: string) {
    return this.availability.setStatus(id, 'active');
  }
}
