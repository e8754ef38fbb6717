import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { LawsuitNotified } from '@harbor/contracts';
import { ACCEPTED } from '../http/accepted';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { SubmitTrigger } from '../source-auth/submit-trigger.usecase';
import { fromLawsuitNotice } from '../triggers/native-mappers';

@Controller('v1/lawsuits')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class LawsuitsController {
  constructor(
    private readonly submitTrigger: SubmitTrigger,
  ) {}

  /** A claim notice from risk management: the same contract as `lawsuits.notified.v1`. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async notify(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    await this.submitTrigger.execute(request.principal, fromLawsuitNotice(validateBody(LawsuitNotified, body)));
    return ACCEPTED;
  }
}
