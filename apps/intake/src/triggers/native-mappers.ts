import { IncidentReportedV1, LawsuitNotifiedV1 } from '@harbor/contracts';
import { NormalizedTrigger } from './normalized-trigger';

/** A validated native incident → the normalized trigger (its contract already holds only what may be kept). */
export function fromNativeIncident(incident: IncidentReportedV1): NormalizedTrigger {
  return {
    kind: 'incident',
    source: incident.source,
    sourceEventId: incident.sourceEventId,
    category: incident.category,
    harmLevel: incident.harmLevel,
    facility: incident.facility,
    department: incident.department,
    occurredAt: incident.occurredAt,
    reportedAt: incident.reportedAt,
    clinicians: incident.involvedClinicians.map(({ identifier, role, profession }) => ({ identifier: { system: identifier.system, value: identifier.value }, role, profession })),
    unidentified: [],
  };
}

/** A validated claim notice → the normalized trigger: category is the notice's kind, no harm level. */
export function fromLawsuitNotice(notice: LawsuitNotifiedV1): NormalizedTrigger {
  return {
    kind: 'lawsuit',
    source: notice.source,
    sourceEventId: notice.noticeId,
    category: notice.kind,
    facility: notice.facility,
    department: notice.department,
    occurredAt: notice.receivedAt,
    reportedAt: notice.receivedAt,
    clinicians: notice.namedClinicians.map(({ identifier, role, profession }) => ({ identifier: { system: identifier.system, value: identifier.value }, role, profession })),
    unidentified: [],
  };
}
