import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { ListDebriefsQuery, RecordDebriefOutcomeDto } from './group-debrief.dto';
import { GroupDebriefStore } from './group-debrief-store';
import { RecordDebriefOutcome } from './record-debrief-outcome.usecase';

/** Program staff follow the group debriefs offered to units and record how each ended. */
@Controller('v1/debriefs')
export class GroupDebriefsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly debriefs: GroupDebriefStore,
    private readonly recordOutcome: RecordDebriefOutcome,
  ) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query() query: ListDebriefsQuery) {
    return { debriefs: await this.debriefs.list(this.dataSource.manager, query) };
  }

  @Get(':id')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Param('id', new ParseUUIDPipe()) id: string) {
    const debrief = await this.debriefs.find(this.dataSource.manager, id);
    if (!debrief) throw new NotFoundException(`No group debrief ${id}.`);
    return debrief;
  }

  @Post(':id/outcome')
  @HttpCode(200)
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async outcome(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RecordDebriefOutcomeDto, @Req() request: AuthenticatedRequest) {
    return this.recordOutcome.execute(id, dto, request.principal!.subject);
  }
}
