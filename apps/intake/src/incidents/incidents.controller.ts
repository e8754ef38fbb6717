import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role, Roles } from '@harbor/auth';
import { IncidentReported } from '@harbor/contracts';
import { EventValidationError, validateEventPayload } from '@harbor/messaging';
import { InvalidRequestException } from '@harbor/service-runtime';
import { RecordIncident } from './record-incident.usecase';

@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly recordIncident: RecordIncident,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The same contract and validation as the Kafka topic, so both doors accept exactly the same incidents. */
  @Post()
  @HttpCode(202)
  @Roles(Role.SourceSystem)
  async report(@Body() body: unknown) {
    let incident;
    try {
      incident = validateEventPayload(IncidentReported, body);
    } catch (error) {
      if (error instanceof EventValidationError) {
        throw new InvalidRequestException(error.problems.map((problem) => splitProblem(problem)));
      }
      throw error;
    }
    const valid = incident;
    const result = await this.dataSource.transaction((manager) => this.recordIncident.execute(manager, valid));
    return { triggerId: result.triggerId, supportRequests: result.requestIds.length };
  }
}

function splitProblem(problem: string) {
  const separator = problem.indexOf(': ');
  return separator < 0 ? { field: 'body', message: problem } : { field: problem.slice(0, separator), message: problem.slice(separator + 2) };
}
