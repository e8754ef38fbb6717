import { Body, Controller, Get, Inject, Put, Req } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { MatchingPolicy } from './policy';
import { PutPolicyDto } from './policy.dto';
import { ProgramPolicies } from './program-policies';

const POLICY_FIELDS = [
  'departmentRule', 'professionRule', 'languageRule', 'ackTimeoutSeconds', 'overallDeadlineSeconds', 'maxOffers', 'followUpSeconds', 'fallbackResource',
] as const;

/** Each program's matching policy: environment defaults overridden field by field. */
@Controller('v1/policy')
export class PolicyController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly policies: ProgramPolicies,
  ) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list() {
    const rows: { program: string; facilities: string[]; policy: Partial<MatchingPolicy> | null; updated_at: Date; updated_by: string }[] = await this.dataSource.query(
      `SELECT "program", "facilities", "policy", "updated_at", "updated_by" FROM "matching"."program_policies" ORDER BY "program"`,
    );
    const programs = rows.map((row) => ({
      program: row.program,
      facilities: row.facilities,
      policy: this.policies.withOverrides(row.policy),
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    }));
    return { defaults: this.policies.defaults(), programs };
  }

  @Put()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async put(@Body() dto: PutPolicyDto, @Req() request: AuthenticatedRequest) {
    const overrides = Object.fromEntries(POLICY_FIELDS.filter((field) => dto[field] !== undefined).map((field) => [field, dto[field]]));
    await this.dataSource.query(
      `INSERT INTO "matching"."program_policies" ("program", "facilities", "policy", "updated_by") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("program") DO UPDATE SET "facilities" = COALESCE($5, "program_policies"."facilities"),
         "policy" = "program_policies"."policy" || $3, "updated_at" = now(), "updated_by" = $4`,
      [dto.program, dto.facilities ?? [], JSON.stringify(overrides), request.principal!.subject, dto.facilities ?? null],
    );
    return { program: dto.program, policy: await this.policies.policyOf(this.dataSource.manager, dto.program) };
  }
}
