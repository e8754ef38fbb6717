import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { ACCEPTED } from '../http/accepted';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { RecordTrigger } from '../triggers/record-trigger.usecase';
import { ReferralDto } from './referral.dto';

@Controller('v1/referrals')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class ReferralsController {
  constructor(
    private readonly recordTrigger: RecordTrigger,
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
    const now = new Date().toISOString();
    const selfReferral = body.referredBy === 'self';
    await this.recordTrigger.executeInOwnTransaction(
      {
        kind: 'referral',
        // Referral ids are unique per caller, so two portals cannot collide.
        source: `referral:${request.principal?.subject ?? 'unknown'}`.slice(0, 100),
        sourceEventId: referralId,
        category: selfReferral ? 'self-referral' : 'colleague-referral',
        facility: body.facility,
        department: body.department,
        occurredAt: now,
        reportedAt: now,
        clinicians: [{ identifier: { system: body.clinician.system, value: body.clinician.value }, profession: body.profession }],
        unidentified: [],
      },
      { selfReferral },
    );
    return { referralId, ...ACCEPTED };
  }
}
