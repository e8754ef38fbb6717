import { Controller, Get, Query } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@harbor/auth';
import { SupporterStore } from './supporter-store';

export class TrainingLapsesQuery {
  /** Days ahead to look (from today, UTC). */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(730)
  within = 90;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program?: string;
}

/** Training currency for the console: which supporters lapse when (ids, program and dates only). */
@Controller('v1/roster/training-lapses')
export class TrainingLapsesController {
  constructor(private readonly supporters: SupporterStore) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query() query: TrainingLapsesQuery) {
    const today = new Date().toISOString().slice(0, 10);
    return { from: today, within: query.within, supporters: await this.supporters.trainingLapses(today, query.within, query.program) };
  }
}
