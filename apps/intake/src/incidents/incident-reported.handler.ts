import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventValidationError, IncidentReported, validateEventPayload, versionedType } from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { rejectUnsafeText } from '../http/unsafe-text';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { mapAdverseEvent } from '../fhir/adverse-event.mapper';
import { FhirValidationError } from '../fhir/fhir-values';
import { AdverseEventOptions } from '../fhir/adverse-event.mapper';
import { FhirMapping } from '../intake.settings';
import { fromNativeIncident } from '../triggers/native-mappers';
import { NormalizedTrigger } from '../triggers/normalized-trigger';
import { RecordTrigger } from '../triggers/record-trigger.usecase';
import { InboundIncident, InboundIncidentRecord } from './inbound-incident-record';

/**
 * `incidents.reported.v1` → the same use case the HTTP routes call. A record with a `resourceType` is read as
 * a FHIR AdverseEvent, any other as the native incident. A record that is neither dead-letters at once with
 * the fields named (EventValidationError is permanent), and the partition moves on. Source systems publish plain
 * JSON: a record without CloudEvents headers is read as this event.
 */
@Controller()
export class IncidentReportedHandler {
  constructor(
    private readonly recordTrigger: RecordTrigger,
    private readonly fhir: FhirMapping,
  ) {}

  @ConsumesEvent(InboundIncident, { readsPlainRecords: true })
  async incidentReported(@Payload() event: InboundEvent<InboundIncidentRecord>, @Ctx() context: EventContext): Promise<void> {
    await this.recordTrigger.execute(context.manager, normalizeIncidentRecord(event.payload, this.fhir.options));
  }
}

export function normalizeIncidentRecord(record: InboundIncidentRecord, fhirOptions: AdverseEventOptions): NormalizedTrigger {
  rejectUnsafeText(versionedType(IncidentReported), record);
  if (record.resourceType === undefined) return fromNativeIncident(validateEventPayload(IncidentReported, record));
  try {
    return mapAdverseEvent(record, fhirOptions);
  } catch (error) {
    if (error instanceof FhirValidationError) {
      throw new EventValidationError('AdverseEvent', error.problems.map((problem) => `${problem.field}: ${problem.message}`));
    }
    throw error;
  }
}
