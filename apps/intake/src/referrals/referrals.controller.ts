import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { ACCEPTED } from '../http/accepted';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { RecordReferral } from './record-referral.usecase';
import { ReferralDto } from './referral.dto';

@Controller('v1/referrals')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class ReferralsController {
  constructor(
    private readonly recordReferral: RecordReferral,
  ) {}

  /**
   * Self-referral (always honoured, even for a clinician who opted out of proactive outreach or was paged
   * recently) or referral by a colleague or manager (treated as proactive outreach: opt-out and cooldown
   * apply). The answer is `ACCEPTED` and the caller's own referral id, never what was decided, so a referrer
   * cannot learn that a colleague opted out or was paged lately.
   */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem, Role.ProgramAdmin)
  async refer(@Req() request: AuthenticatedRequest, @Body() body: ReferralDto) {
    const referralId = body.referralId ?? randomUUID();
    await this.recordReferral.execute({
      referredBy: body.referredBy,
      person: { identifier: body.clinician, profession: body.profession },
      facility: body.facility,
      department: body.department,
      referralId,
      caller: request.principal?.subject ?? 'unknown',
    });
    return { referralId, ...ACCEPTED };
  }
}
