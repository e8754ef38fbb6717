import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { IncidentReported } from '@harbor/contracts';
import { ACCEPTED } from '../http/accepted';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { SubmitTrigger } from '../source-auth/submit-trigger.usecase';
import { fromNativeIncident } from '../triggers/native-mappers';

@Controller('v1/incidents')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class IncidentsController {
  constructor(
    private readonly submitTrigger: SubmitTrigger,
  ) {}

  /** The same contract and validation as the Kafka topic, so both doors accept exactly the same incidents. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async report(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    await this.submitTrigger.execute(request.principal, fromNativeIncident(validateBody(IncidentReported, body)));
    return ACCEPTED;
  }
}
