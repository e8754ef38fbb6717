import { Body, Controller, DefaultValuePipe, Get, HttpCode, Param, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { AssignTriageDto } from '../http/identifier.dto';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { TriageListDto } from './triage.dto';
import { TriageQueue } from './triage.usecases';

@Controller('v1/triage')
export class TriageController {
  constructor(private readonly queue: TriageQueue) {}

  /** Open items, oldest first, with the trigger's coarse facts and the source's display text and identifiers. */
  @Get()
  @Roles(Role.ProgramAdmin)
  async list(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number): Promise<TriageListDto> {
    if (limit < 1 || limit > 500) throw new InvalidRequestException([{ field: 'limit', message: 'must be between 1 and 500' }]);
    return { items: await this.queue.listOpen(limit) };
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles(Role.ProgramAdmin)
  @UseGuards(BodyLimitGuard, JsonBodyGuard)
  async assign(@Param('id') id: string, @Body() body: AssignTriageDto) {
    return this.queue.assign(checkId(id), { system: body.identifier.system, value: body.identifier.value }, body.profession);
  }

  @Post(':id/dismiss')
  @HttpCode(204)
  @Roles(Role.ProgramAdmin)
  async dismiss(@Param('id') id: string): Promise<void> {
    await this.queue.dismiss(checkId(id));
  }
}

function checkId(id: string): string {
  if (!isUUID(id)) throw new InvalidRequestException([{ field: 'id', message: 'must be a UUID' }]);
  return id;
}
