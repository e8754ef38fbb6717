import { RecordShape, keepShape } from '@harbor/contracts';

/**
 * What the dead letter of a FHIR AdverseEvent keeps: the elements `mapAdverseEvent` reads, nothing else. Codes
 * keep their system and code (a coding's display and a concept's text are free text). People keep their
 * references, identifiers and display (a display-only clinician goes to triage, so a replay needs it). The
 * subject is kept only when it is a clinician (staff harmed); a patient subject is dropped whole. Contained
 * Practitioners and PractitionerRoles keep their identifiers but not their names (intake never reads those);
 * any other contained resource keeps only its type and local id. The contained Patient's details, the
 * narrative, notes and descriptions never reach the DLQ.
 */
export function adverseEventDeadLetterView(record: unknown): unknown {
  const contained = containedTypes(record);
  return keepShape(record, { ...ADVERSE_EVENT, subject: (subject) => (isClinicianReference(subject, contained) ? keepShape(subject, REFERENCE) : undefined) });
}

const IDENTIFIER: RecordShape = { system: 'text', value: 'text' };
const CONCEPT: RecordShape = { coding: [{ system: 'text', code: 'text' }] };
/** A CodeableConcept, or R5's CodeableReference around one. */
const CODES: RecordShape = [{ coding: [{ system: 'text', code: 'text' }], concept: CONCEPT }];
const REFERENCE: RecordShape = { reference: 'text', type: 'text', identifier: IDENTIFIER, display: 'text' };
const CLINICIAN_TYPES = ['Practitioner', 'PractitionerRole'];

const CONTAINED_CLINICIAN: RecordShape = { resourceType: 'text', id: 'text', identifier: [IDENTIFIER], practitioner: REFERENCE };
const CONTAINED_OTHER: RecordShape = { resourceType: 'text', id: 'text' };

const ADVERSE_EVENT: Record<string, RecordShape> = {
  resourceType: 'text',
  id: 'text',
  meta: { source: 'text' },
  identifier: [IDENTIFIER],
  status: 'text',
  actuality: 'text',
  category: CODES,
  event: CODES,
  code: CODES,
  seriousness: CODES,
  severity: CODES,
  outcome: CODES,
  serious: 'text',
  clinResSeverityOrGrade: CODES,
  date: 'text',
  detected: 'text',
  recordedDate: 'text',
  occurrenceDateTime: 'text',
  occurrencePeriod: { start: 'text', end: 'text' },
  location: { reference: 'text', identifier: IDENTIFIER },
  recorder: REFERENCE,
  contributor: [REFERENCE],
  participant: [{ actor: REFERENCE }],
  // Other contained resources (the Patient above all) keep only their type and local id, which tell the mapping
  // that a reference to them is not a clinician.
  contained: [(resource) => keepShape(resource, isClinicianResource(resource) ? CONTAINED_CLINICIAN : CONTAINED_OTHER)],
};

/** The type of each contained resource by its local id, which a `#id` reference points at. */
function containedTypes(record: unknown): Map<string, unknown> {
  const contained = (record as { contained?: unknown } | null)?.contained;
  const list = Array.isArray(contained) ? contained : [contained];
  return new Map(list.filter(isObject).map((resource) => [resource.id as string, resource.resourceType]));
}

/** Read as the mapping reads it: a declared type first, then the contained resource, then the literal reference. */
function isClinicianReference(subject: unknown, contained: Map<string, unknown>): boolean {
  if (!isObject(subject)) return false;
  const { reference, type } = subject;
  if (typeof type === 'string') return CLINICIAN_TYPES.includes(type.replace(/^.*\//, ''));
  if (typeof reference !== 'string') return false;
  if (reference.startsWith('#')) return CLINICIAN_TYPES.includes(contained.get(reference.slice(1)) as string);
  return CLINICIAN_TYPES.some((clinicianType) => new RegExp(`(^|/)${clinicianType}/[^/]+(/_history/[^/]+)?$`).test(reference));
}

function isClinicianResource(resource: unknown): boolean {
  return isObject(resource) && CLINICIAN_TYPES.includes(resource.resourceType as string);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
