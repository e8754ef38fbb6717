import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { Role, Roles } from '@harbor/auth';
import { IncidentReported } from '@harbor/contracts';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { validateBody } from '../http/validation';
import { fromNativeIncident } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

@Controller('v1/incidents')
@UseGuards(BodyLimitGuard, JsonBodyGuard)
export class IncidentsController {
  constructor(
    private readonly recordTrigger: RecordTrigger,
  ) {}

  /** The same contract and validation as the Kafka topic, so both doors accept exactly the same incidents. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async report(@Body() body: unknown) {
    const trigger = fromNativeIncident(validateBody(IncidentReported, body));
    const result = await this.recordTrigger.executeInOwnTransaction(trigger);
    return { triggerId: result.triggerId, decision: result.decision, supportRequests: result.requestIds.length };
  }
}
