import { canonicalIdentifierSystem, HARM_LEVELS, HarmLevel, identifierKey } from '@harbor/contracts';
import { NamedClinician, NormalizedTrigger, UnidentifiedPerson } from '../triggers/normalized-trigger';
import { PeopleOptions, resolvePerson, Slot } from './fhir-people';
import { codesOf, fhirDateTime, isObject, Json, objectList, optionalObject, optionalString, ProblemList } from './fhir-values';
import { categoryOf, highestHarm } from './fhir-vocabulary';

export type FhirVersion = 'R4' | 'R5';

export interface AdverseEventOptions extends PeopleOptions {
  /** Whether the person who recorded the event is offered support too (R4 and R5 `recorder`). */
  includeRecorders: boolean;
  /** `source` when the resource's meta.source does not name one. */
  defaultSource: string;
  /** `facility` when the resource names no location with an id. */
  defaultFacility: string;
  /** Harm assumed for an actual event that states no seriousness, severity or outcome. */
  defaultHarmLevel: HarmLevel;
  /** The clock, for resources that carry no time at all. */
  now?: () => Date;
}

/** Most clinicians one trigger may name, as in the native contract. */
const MAX_CLINICIANS = 50;

/** Elements only R5 has; a resource with none of them is read as R4. */
const R5_ONLY = ['participant', 'status', 'code', 'occurrenceDateTime', 'occurrencePeriod', 'occurrenceTiming', 'resultingEffect', 'mitigatingAction', 'supportingInfo', 'expectedInResearchStudy'];

export function detectFhirVersion(resource: Json): FhirVersion {
  return R5_ONLY.some((element) => resource[element] !== undefined) ? 'R5' : 'R4';
}

/**
 * A FHIR AdverseEvent (R4 or R5 JSON) → Harbor's normalized trigger, or a FhirValidationError naming every
 * field it cannot read. Reads only coded elements, ids, identifiers and times: narrative, notes, text,
 * displays of patients and contained patients are never copied. People are found in R4 `contributor`,
 * R5 `participant[].actor`, `recorder` when the policy says so, and `subject` when it is a Practitioner.
 */
export function mapAdverseEvent(input: unknown, options: AdverseEventOptions, version?: FhirVersion): NormalizedTrigger {
  const problems = new ProblemList();
  if (!isObject(input)) {
    problems.add('resource', 'must be a JSON object');
    problems.throwIfAny();
  }
  const resource = input as Json;
  if (resource.resourceType !== 'AdverseEvent') {
    problems.add('resourceType', 'must be AdverseEvent');
    problems.throwIfAny();
  }
  const fhirVersion = version ?? detectFhirVersion(resource);

  const id = optionalString(resource.id, 'id', problems, 64);
  const meta = optionalObject(resource.meta, 'meta', problems);
  const source = optionalString(meta?.source, 'meta.source', problems, 100) ?? options.defaultSource;
  const sourceEventId = businessId(resource, id, problems);

  const actuality = optionalString(resource.actuality, 'actuality', problems, 20);
  if (actuality !== undefined && actuality !== 'actual' && actuality !== 'potential') problems.add('actuality', 'must be actual or potential');
  const status = optionalString(resource.status, 'status', problems, 40);

  const categoryCodes = codesOf(resource.category, 'category', problems);
  const eventCodes = fhirVersion === 'R4' ? codesOf(resource.event, 'event', problems) : codesOf(resource.code, 'code', problems);
  const harmCodes = [
    ...codesOf(resource.seriousness, 'seriousness', problems),
    ...codesOf(resource.severity, 'severity', problems),
    ...codesOf(resource.outcome, 'outcome', problems),
    ...codesOf(resource.clinResSeverityOrGrade, 'clinResSeverityOrGrade', problems),
  ];

  const times = readTimes(resource, fhirVersion, problems, options.now ?? (() => new Date()));
  const facility = facilityOf(resource, problems) ?? options.defaultFacility;
  const people = readPeople(resource, fhirVersion, options, problems);
  problems.throwIfAny();

  const stated = highestHarm(harmCodes) ?? (resource.serious === true ? 'severe' : undefined);
  const potential = actuality === 'potential';
  const harmLevel: HarmLevel = potential ? 'none' : (stated ?? options.defaultHarmLevel);
  const subjectIsStaff = people.subjectIsClinician;
  const category =
    categoryOf(categoryCodes) ?? categoryOf(eventCodes) ?? (subjectIsStaff ? 'staff-assault' : harmLevel === 'death' ? 'unexpected-death' : 'other');

  const unidentified = [...people.unidentified];
  if (people.clinicians.length === 0 && unidentified.length === 0) unidentified.push({ reason: 'no-clinician-named' });
  return {
    kind: 'incident',
    source,
    sourceEventId: sourceEventId!,
    category,
    harmLevel: HARM_LEVELS.includes(harmLevel) ? harmLevel : options.defaultHarmLevel,
    withdrawn: status === 'entered-in-error',
    facility,
    occurredAt: times.occurredAt,
    reportedAt: times.reportedAt,
    clinicians: people.clinicians,
    unidentified,
  };
}

/** The source's own id for the event: the first business identifier, else the resource id. */
function businessId(resource: Json, id: string | undefined, problems: ProblemList): string | undefined {
  for (const [index, identifier] of objectList(resource.identifier, 'identifier', problems).entries()) {
    const system = optionalString(identifier.system, `identifier[${index}].system`, problems, 200);
    const value = optionalString(identifier.value, `identifier[${index}].value`, problems, 200);
    if (value && value.trim()) {
      const key = system ? `${system}|${value}` : value;
      if (key.length <= 200) return key;
      problems.add(`identifier[${index}]`, 'system and value together must be at most 200 characters');
      return undefined;
    }
  }
  if (id && id.trim()) return `AdverseEvent/${id}`;
  problems.add('identifier', 'an AdverseEvent needs an identifier or an id, so that a re-sent event is recognised');
  return undefined;
}

function readTimes(resource: Json, version: FhirVersion, problems: ProblemList, now: () => Date) {
  const period = optionalObject(resource.occurrencePeriod, 'occurrencePeriod', problems);
  const occurred =
    version === 'R4'
      ? fhirDateTime(resource.date, 'date', problems)
      : (fhirDateTime(resource.occurrenceDateTime, 'occurrenceDateTime', problems) ?? fhirDateTime(period?.start, 'occurrencePeriod.start', problems));
  const recorded = fhirDateTime(resource.recordedDate, 'recordedDate', problems);
  const detected = fhirDateTime(resource.detected, 'detected', problems);
  const received = now().toISOString();
  const occurredAt = occurred ?? detected ?? recorded ?? received;
  return { occurredAt, reportedAt: recorded ?? detected ?? occurredAt };
}

/** The location's id (identifier value or reference id) stands for the facility; its display is not read. */
function facilityOf(resource: Json, problems: ProblemList): string | undefined {
  const location = optionalObject(resource.location, 'location', problems);
  if (!location) return undefined;
  const identifier = optionalObject(location.identifier, 'location.identifier', problems);
  const value = optionalString(identifier?.value, 'location.identifier.value', problems, 100);
  if (value && value.trim()) return value;
  const reference = optionalString(location.reference, 'location.reference', problems);
  const id = reference ? /(?:^|\/)Location\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1] : undefined;
  return id;
}

interface People {
  clinicians: NamedClinician[];
  unidentified: UnidentifiedPerson[];
  subjectIsClinician: boolean;
}

function readPeople(resource: Json, version: FhirVersion, options: AdverseEventOptions, problems: ProblemList): People {
  const contained = new Map<string, Json>();
  objectList(resource.contained, 'contained', problems).forEach((entry) => {
    if (typeof entry.id === 'string') contained.set(entry.id, entry);
  });

  const slots: { reference: Json; path: string; slot: Slot; role: string }[] = [];
  const subject = optionalObject(resource.subject, 'subject', problems);
  if (subject) slots.push({ reference: subject, path: 'subject', slot: 'subject', role: 'harmed-staff-member' });
  if (version === 'R4') {
    objectList(resource.contributor, 'contributor', problems).forEach((reference, index) =>
      slots.push({ reference, path: `contributor[${index}]`, slot: 'clinician-slot', role: 'contributor' }),
    );
  } else {
    objectList(resource.participant, 'participant', problems).forEach((participant, index) => {
      const actor = optionalObject(participant.actor, `participant[${index}].actor`, problems);
      if (actor) slots.push({ reference: actor, path: `participant[${index}].actor`, slot: 'clinician-slot', role: 'participant' });
      else problems.add(`participant[${index}].actor`, 'is required');
    });
  }
  const recorder = optionalObject(resource.recorder, 'recorder', problems);
  if (recorder && options.includeRecorders) slots.push({ reference: recorder, path: 'recorder', slot: 'clinician-slot', role: 'recorder' });

  const clinicians = new Map<string, NamedClinician>();
  const unidentified = new Map<string, UnidentifiedPerson>();
  let subjectIsClinician = false;
  for (const { reference, path, slot, role } of slots) {
    const result = resolvePerson(reference, path, slot, contained, options, problems);
    if (result.kind === 'not-a-clinician') continue;
    if (slot === 'subject') subjectIsClinician = true;
    if (result.kind === 'clinician') {
      // The NPI as URI in one place and as OID in another is one clinician.
      const { system, value } = result.clinician.identifier;
      const key = identifierKey({ system: canonicalIdentifierSystem(system), value });
      if (!clinicians.has(key)) clinicians.set(key, { ...result.clinician, role });
    } else {
      const key = `${result.person.reason}|${result.person.hint ?? path}`;
      if (!unidentified.has(key)) unidentified.set(key, result.person);
    }
  }
  if (clinicians.size + unidentified.size > MAX_CLINICIANS) problems.add(version === 'R4' ? 'contributor' : 'participant', `may name at most ${MAX_CLINICIANS} people`);
  return { clinicians: [...clinicians.values()], unidentified: [...unidentified.values()], subjectIsClinician };
}
