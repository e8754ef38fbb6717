import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { LawsuitNotified } from '@harbor/contracts';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { assertMayReportFor, RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { SourceRegistry } from '../source-auth/source-registry';
import { fromLawsuitNotice } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

@Controller('v1/lawsuits')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class LawsuitsController {
  constructor(
    private readonly recordTrigger: RecordTrigger,
    private readonly sources: SourceRegistry,
  ) {}

  /** A claim notice from risk management: the same contract as `lawsuits.notified.v1`. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async notify(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const trigger = fromLawsuitNotice(validateBody(LawsuitNotified, body));
    assertMayReportFor(this.sources, request.principal, trigger.source);
    const result = await this.recordTrigger.executeInOwnTransaction(trigger);
    return { triggerId: result.triggerId, decision: result.decision, supportRequests: result.requestIds.length };
  }
}
