import { Body, Controller, Get, Put, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { IntakeRetention } from '../intake.settings';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { TRIGGER_POLICY_FIELDS } from './outreach-policy';
import { PutTriggerPolicyDto } from './trigger-policy.dto';
import { EffectiveTriggerPolicy, TriggerPolicyStore } from './trigger-policy-store';

/**
 * The trigger policy in force, read and changed by program staff (the console's settings page): which professions
 * are served, which incident categories and claim kinds lead to outreach, the harm threshold and the cooldown.
 * Intake's configuration (INTAKE_*) gives the defaults; what staff set here wins field by field, and applies to
 * triggers recorded after the change.
 */
@Controller('v1/trigger-policy')
export class TriggerPolicyController {
  constructor(
    private readonly policies: TriggerPolicyStore,
    private readonly retention: IntakeRetention,
  ) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async policy() {
    return view(await this.policies.effective());
  }

  @Put()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  @UseGuards(BodyLimitGuard, JsonBodyGuard)
  async put(@Body() dto: PutTriggerPolicyDto, @Req() request: AuthenticatedRequest) {
    // The cooldown reads the clinicians of recent triggers, which are forgotten after the retention period.
    const maxCooldownHours = this.retention.triggerDays * 24;
    if (typeof dto.cooldownHours === 'number' && dto.cooldownHours > maxCooldownHours) {
      throw new InvalidRequestException([{ field: 'cooldownHours', message: `must not be longer than the trigger retention (${maxCooldownHours} hours)` }]);
    }
    const changes = Object.fromEntries(TRIGGER_POLICY_FIELDS.filter((field) => dto[field] !== undefined).map((field) => [field, dto[field]]));
    return view(await this.policies.save(changes, request.principal!.subject));
  }
}

function view(policy: EffectiveTriggerPolicy) {
  return {
    servedProfessions: policy.servedProfessions,
    outreachCategories: policy.outreachCategories,
    minHarmLevel: policy.minHarmLevel,
    lawsuitKinds: policy.lawsuitKinds,
    cooldownHours: policy.cooldownHours,
    /** The fields program staff set; the others are intake's configuration. */
    overridden: policy.overridden,
    updatedAt: policy.updatedAt,
    setBy: policy.overridden.length ? 'program' : 'configuration',
  };
}
