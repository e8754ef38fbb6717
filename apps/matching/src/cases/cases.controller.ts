import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { isRfc3339 } from '@harbor/input';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { CasesBoardQuery, ExplainQuery, ListCasesQuery, RecordOutcomeDto } from './case.dto';
import { CaseViews } from './case-views';
import { ExplainCase } from './explain-case.usecase';
import { OutcomeCaller, RecordOutcome } from './record-outcome.usecase';

const STAFF = [Role.ProgramAdmin, Role.ProgramDirector];

function callerOf(request: AuthenticatedRequest): OutcomeCaller {
  const principal = request.principal!;
  const staff = principal.roles.some((role) => STAFF.includes(role));
  return { actor: staff ? 'staff' : 'supporter', subject: principal.subject };
}

/** Program staff follow cases and see why each supporter was offered one; supporters record structured outcomes. */
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly cases: CaseViews,
    private readonly recordOutcome: RecordOutcome,
    private readonly explainCase: ExplainCase,
  ) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query() query: ListCasesQuery) {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.cases.list({
      status: query.status, program: query.program, supporterId: query.supporterId, from: query.from, to: query.to, after: cursor, limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { cases: page, next: rows.length > query.limit ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** The cases board (declared before `:id`, which would take "board" for an id). */
  @Get('board')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async board(@Query() query: CasesBoardQuery) {
    return this.cases.board(query.program);
  }

  @Get(':id')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Param('id', new ParseUUIDPipe()) id: string) {
    const kase = await this.cases.describe(id);
    if (!kase) throw new NotFoundException(`No case ${id}.`);
    return kase;
  }

  /**
   * Why each supporter of the case's program could or could not take this case right now: the whole policy
   * over the whole roster (counts by rule, the ranking's top entries, and one supporter's verdict on request).
   */
  @Get(':id/explain')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async explain(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ExplainQuery) {
    return this.explainCase.execute(id, query.supporterId);
  }

  @Post(':id/outcome')
  @HttpCode(200)
  @Roles(Role.Supporter, Role.ProgramAdmin, Role.ProgramDirector)
  async outcome(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RecordOutcomeDto, @Req() request: AuthenticatedRequest) {
    if (Object.values(dto).every((value) => value === undefined)) {
      throw new InvalidRequestException([{ field: 'body', message: 'record at least one outcome flag' }]);
    }
    return this.recordOutcome.execute(id, dto, callerOf(request));
  }

  @Delete(':id/follow-ups')
  @Roles(Role.Supporter, Role.ProgramAdmin, Role.ProgramDirector)
  async cancelFollowUps(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: AuthenticatedRequest) {
    return this.recordOutcome.cancelFollowUps(id, callerOf(request));
  }
}

function encodeCursor(createdAt: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(createdAt).toISOString(), id])).toString('base64url');
}

/** A cursor this API wrote: `[createdAt, id]` as an RFC 3339 instant and a UUID, nothing else. */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const refused = new InvalidRequestException([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw refused;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw refused;
  const [createdAt, id] = decoded;
  if (!isRfc3339(createdAt) || typeof id !== 'string' || !isUUID(id)) throw refused;
  return { createdAt, id };
}
