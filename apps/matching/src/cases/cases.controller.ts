import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { isRfc3339 } from '@harbor/input';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { absorbedTriggersOf } from './absorbed-requests';
import { ExplainQuery, ListCasesQuery, RecordOutcomeDto } from './case.dto';
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
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly recordOutcome: RecordOutcome,
    private readonly explainCase: ExplainCase,
  ) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query() query: ListCasesQuery) {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.dataSource.query(
      `SELECT c."id", c."status", c."program", c."trigger_kind" AS "triggerKind", c."category", c."harm_level" AS "harmLevel",
              c."facility", c."department", c."created_at" AS "createdAt", c."updated_at" AS "updatedAt",
              (SELECT a."supporter_id" FROM "matching"."assignments" a WHERE a."case_id" = c."id" ORDER BY a."attempt" DESC LIMIT 1) AS "supporterId",
              (SELECT count(*)::int FROM "matching"."assignments" a WHERE a."case_id" = c."id") AS "offers",
              (SELECT count(*)::int FROM "matching"."absorbed_requests" r WHERE r."case_id" = c."id") AS "absorbedTriggers"
       FROM "matching"."cases" c
       WHERE ($1::text IS NULL OR c."status" = $1) AND ($2::text IS NULL OR c."program" = $2)
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM "matching"."assignments" a WHERE a."case_id" = c."id" AND a."supporter_id" = $3))
         AND ($4::timestamptz IS NULL OR c."created_at" >= $4) AND ($5::timestamptz IS NULL OR c."created_at" < $5)
         AND ($6::timestamptz IS NULL OR (c."created_at", c."id") < ($6, $7::uuid))
       ORDER BY c."created_at" DESC, c."id" DESC LIMIT $8`,
      [query.status ?? null, query.program ?? null, query.supporterId ?? null, query.from ?? null, query.to ?? null,
        cursor?.createdAt ?? null, cursor?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { cases: page, next: rows.length > query.limit ? encodeCursor(last.createdAt, last.id) : null };
  }

  @Get(':id')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Param('id', new ParseUUIDPipe()) id: string) {
    const [kase] = await this.dataSource.query(
      `SELECT "id", "status", "program", "trigger_kind" AS "triggerKind", "category", "harm_level" AS "harmLevel", "facility",
              "department", "clinician_id" AS "clinicianId", "created_at" AS "createdAt", "updated_at" AS "updatedAt",
              "accepted_at" AS "acceptedAt", "contacted_at" AS "contactedAt", "closed_at" AS "closedAt",
              "escalation_reason" AS "escalationReason", "fallback_resource" AS "fallbackResource", "outcome",
              "follow_ups_done" AS "followUpsDone", "census" AS "noMatchCensus"
       FROM "matching"."cases" WHERE "id" = $1`,
      [id],
    );
    if (!kase) throw new NotFoundException(`No case ${id}.`);
    const offers = await this.dataSource.query(
      `SELECT "id", "attempt", "supporter_id" AS "supporterId", "status", "offered_at" AS "offeredAt",
              "paged_at" AS "pagedAt", "paged_via" AS "pagedVia", "respond_by" AS "respondBy", "responded_at" AS "respondedAt", "closed_reason" AS "closedReason",
              "reasons", "considered", "excluded"
       FROM "matching"."assignments" WHERE "case_id" = $1 ORDER BY "attempt"`,
      [id],
    );
    const deadlines = await this.dataSource.query(
      `SELECT "kind", "sequence", "due_at" AS "dueAt", "status" FROM "matching"."deadlines" WHERE "case_id" = $1 ORDER BY "due_at"`,
      [id],
    );
    // Later triggers for the same clinician that this case took in instead of paging again (no identifiers).
    const absorbed = await absorbedTriggersOf(this.dataSource.manager, id);
    return { ...kase, offers, deadlines, absorbed };
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
