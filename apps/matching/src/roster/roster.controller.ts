import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role, Roles } from '@harbor/auth';
import { UpsertSupporterDto } from './supporter.dto';
import { UpsertSupporter } from './upsert-supporter.usecase';

@Controller('v1/roster/supporters')
export class RosterController {
  constructor(private readonly upsertSupporter: UpsertSupporter) {}

  @Post()
  @Roles(Role.ProgramAdmin)
  async upsert(@Body() dto: UpsertSupporterDto, @Res({ passthrough: true }) response: Response) {
    const result = await this.upsertSupporter.execute(dto);
    response.status(result.created ? 201 : 200);
    return { id: dto.id };
  }
}
