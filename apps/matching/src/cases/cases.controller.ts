import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role, Roles } from '@harbor/auth';

/** Program staff follow a case and see why each supporter was offered it or passed over. */
@Controller('v1/cases')
export class CasesController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get(':id')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Param('id', new ParseUUIDPipe()) id: string) {
    const [kase] = await this.dataSource.query(
      `SELECT "id", "status", "trigger_kind" AS "triggerKind", "category", "harm_level" AS "harmLevel", "facility",
              "department", "clinician_id" AS "clinicianId", "created_at" AS "createdAt", "updated_at" AS "updatedAt"
       FROM "matching"."cases" WHERE "id" = $1`,
      [id],
    );
    if (!kase) throw new NotFoundException(`No case ${id}.`);
    const offers = await this.dataSource.query(
      `SELECT "id", "attempt", "supporter_id" AS "supporterId", "status", "offered_at" AS "offeredAt",
              "respond_by" AS "respondBy", "responded_at" AS "respondedAt", "reasons"
       FROM "matching"."assignments" WHERE "case_id" = $1 ORDER BY "attempt"`,
      [id],
    );
    return { ...kase, offers };
  }
}
