import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { Role, Roles } from '@harbor/auth';
import { LawsuitNotified } from '@harbor/contracts';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { fromLawsuitNotice } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

@Controller('v1/lawsuits')
@UseGuards(BodyLimitGuard, JsonBodyGuard)
export class LawsuitsController {
  constructor(
    private readonly recordTrigger: RecordTrigger,
  ) {}

  /** A claim notice from risk management: the same contract as `lawsuits.notified.v1`. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async notify(@Body() body: unknown) {
    const trigger = fromLawsuitNotice(validateBody(LawsuitNotified, body));
    const result = await this.recordTrigger.executeInOwnTransaction(trigger);
    return { triggerId: result.triggerId, decision: result.decision, supportRequests: result.requestIds.length };
  }
}
