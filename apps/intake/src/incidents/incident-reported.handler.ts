import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IncidentReported, IncidentReportedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { RecordIncident } from './record-incident.usecase';

/** `incidents.reported.v1` → the same use case the HTTP route calls. */
@Injectable()
export class IncidentReportedHandler implements EventHandler<IncidentReportedV1> {
  readonly definition = IncidentReported;

  constructor(private readonly recordIncident: RecordIncident) {}

  async handle(event: InboundEvent<IncidentReportedV1>, manager: EntityManager): Promise<void> {
    await this.recordIncident.execute(manager, event.payload);
  }
}
