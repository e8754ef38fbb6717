import { Controller, Get } from '@nestjs/common';
import { Role, Roles } from '@harbor/auth';
import { OutreachSettings } from '../intake.settings';

/**
 * The trigger policy in force, for program staff to read (the console's settings page): which professions are
 * served, which incident categories and claim kinds lead to outreach, the harm threshold and the cooldown. It is
 * set in intake's configuration (INTAKE_*), so it is read here and changed there.
 */
@Controller('v1/trigger-policy')
export class TriggerPolicyController {
  constructor(private readonly outreach: OutreachSettings) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  policy() {
    const { policy, cooldownHours } = this.outreach;
    return {
      servedProfessions: policy.servedProfessions,
      outreachCategories: policy.outreachCategories,
      minHarmLevel: policy.minHarmLevel,
      lawsuitKinds: policy.lawsuitKinds,
      cooldownHours,
      setBy: 'configuration',
    };
  }
}
