import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { MatchingPolicy } from './policy';
import { PutPolicyDto } from './policy.dto';
import { ProgramPolicies } from './program-policies';

const POLICY_FIELDS = [
  'departmentRule', 'professionRule', 'languageRule', 'ackTimeoutSeconds', 'overallDeadlineSeconds', 'maxOffers', 'followUpSeconds', 'fallbackResource',
  'restAfterSevereHours', 'monthlyCaseCap', 'groupDebriefMinClinicians',
] as const;

/** Each program's matching policy: environment defaults overridden field by field. */
@Controller('v1/policy')
export class PolicyController {
  constructor(private readonly policies: ProgramPolicies) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list() {
    return { defaults: this.policies.defaults(), programs: await this.policies.listPrograms() };
  }

  @Put()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async put(@Body() dto: PutPolicyDto, @Req() request: AuthenticatedRequest) {
    const overrides: Partial<MatchingPolicy> = Object.fromEntries(POLICY_FIELDS.filter((field) => dto[field] !== undefined).map((field) => [field, dto[field]]));
    return { program: dto.program, policy: await this.policies.saveProgram(dto.program, dto.facilities, overrides, request.principal!.subject) };
  }
}
