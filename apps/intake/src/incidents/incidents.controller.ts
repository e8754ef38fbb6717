import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, Role, Roles } from '@harbor/auth';
import { IncidentReported } from '@harbor/contracts';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { assertMayReportFor, RegisteredSourceGuard } from '../source-auth/registered-source.guard';
import { SourceRegistry } from '../source-auth/source-registry';
import { fromNativeIncident } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

@Controller('v1/incidents')
@UseGuards(RegisteredSourceGuard, BodyLimitGuard, JsonBodyGuard)
export class IncidentsController {
  constructor(
    private readonly recordTrigger: RecordTrigger,
    private readonly sources: SourceRegistry,
  ) {}

  /** The same contract and validation as the Kafka topic, so both doors accept exactly the same incidents. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async report(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const trigger = fromNativeIncident(validateBody(IncidentReported, body));
    assertMayReportFor(this.sources, request.principal, trigger.source);
    const result = await this.recordTrigger.executeInOwnTransaction(trigger);
    return { triggerId: result.triggerId, decision: result.decision, supportRequests: result.requestIds.length };
  }
}
