import { Allow } from 'class-validator';
import { defineEvent, IncidentReported } from '@harbor/contracts';
import { adverseEventDeadLetterView } from '../fhir/adverse-event.dead-letter';

/**
 * A record on `incidents.reported.v1` as it arrives: the native incident JSON or a FHIR AdverseEvent (R4 or
 * R5). Only the elements intake reads are let through the shared validation (everything else, such as
 * `text`, `note`, `description` or patient details, is stripped on arrival); the handler then validates the
 * record as the one or the other. Same CloudEvents type and version as the native contract, so records with
 * or without `ce_type` reach this one handler.
 */
export class InboundIncidentRecord {
  // native incident (validated afterwards against IncidentReportedV1)
  @Allow() source?: unknown;
  @Allow() sourceEventId?: unknown;
  @Allow() occurredAt?: unknown;
  @Allow() reportedAt?: unknown;
  @Allow() category?: unknown;
  @Allow() harmLevel?: unknown;
  @Allow() facility?: unknown;
  @Allow() department?: unknown;
  @Allow() involvedClinicians?: unknown;
  // FHIR AdverseEvent (validated afterwards by mapAdverseEvent)
  @Allow() resourceType?: unknown;
  @Allow() id?: unknown;
  @Allow() meta?: unknown;
  @Allow() identifier?: unknown;
  @Allow() status?: unknown;
  @Allow() actuality?: unknown;
  @Allow() event?: unknown;
  @Allow() code?: unknown;
  @Allow() subject?: unknown;
  @Allow() date?: unknown;
  @Allow() detected?: unknown;
  @Allow() recordedDate?: unknown;
  @Allow() occurrenceDateTime?: unknown;
  @Allow() occurrencePeriod?: unknown;
  @Allow() location?: unknown;
  @Allow() seriousness?: unknown;
  @Allow() severity?: unknown;
  @Allow() outcome?: unknown;
  @Allow() serious?: unknown;
  @Allow() clinResSeverityOrGrade?: unknown;
  @Allow() recorder?: unknown;
  @Allow() contributor?: unknown;
  @Allow() participant?: unknown;
  @Allow() contained?: unknown;
}

export const InboundIncident = defineEvent({
  type: IncidentReported.type,
  version: IncidentReported.version,
  topic: IncidentReported.topic,
  payload: InboundIncidentRecord,
  key: (record) => String(record.sourceEventId ?? record.id ?? ''),
  unknownFields: 'strip',
  // A dead letter keeps only what the native contract or the FHIR mapping reads (docs/operations.md).
  deadLetterView: (record) =>
    typeof record === 'object' && record !== null && 'resourceType' in record ? adverseEventDeadLetterView(record) : IncidentReported.deadLetterView?.(record),
});
