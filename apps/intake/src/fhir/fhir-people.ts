import { isProviderIdentifierSystem } from '@harbor/contracts';
import { NamedClinician, SourceIdentifier, UnidentifiedPerson } from '../triggers/normalized-trigger';
import { isObject, Json, objectList, optionalString, ProblemList } from './fhir-values';

/** Resource types that are clinicians Harbor may support. */
const CLINICIAN_TYPES = new Set(['Practitioner', 'PractitionerRole']);

export interface PeopleOptions {
  /** The identifier system given to a bare `Practitioner/<id>` reference, so the directory can resolve it. */
  referenceSystem: string;
}

/** Where a person appears decides how an untyped reference is read. */
export type Slot =
  /** contributor, participant.actor, recorder: an untyped reference is presumed to be a clinician. */
  | 'clinician-slot'
  /**
   * subject: usually the patient, so only a Practitioner counts: typed so (`type`, a `Practitioner/…` or contained
   * Practitioner reference) or carrying an identifier only providers are issued (the NPI).
   */
  | 'subject';

export type PersonResult =
  | { kind: 'clinician'; clinician: NamedClinician }
  | { kind: 'unidentified'; person: UnidentifiedPerson }
  | { kind: 'not-a-clinician' };

const NOT_A_CLINICIAN: PersonResult = { kind: 'not-a-clinician' };

/**
 * Reads one FHIR Reference into a clinician identifier, a triage entry, or nothing (a patient, a device).
 * Identifiers win over references; contained resources are followed one level (PractitionerRole →
 * Practitioner); a bare `Practitioner/123` becomes `{ system: referenceSystem, value: '123' }`. A reference
 * without a type whose identifier is an NPI is a Practitioner, in every slot (only providers are issued
 * one, under its URI or its OID); an explicit other type (e.g. Patient) still wins. A triage entry keeps the identifiers the reference came with that could not name the clinician (e.g.
 * a value without a system). Names in contained resources are never read, and a patient's display text or
 * identifier is never returned.
 */
export function resolvePerson(
  reference: Json,
  path: string,
  slot: Slot,
  contained: Map<string, Json>,
  options: PeopleOptions,
  problems: ProblemList,
  depth = 0,
): PersonResult {
  const literal = optionalString(reference.reference, `${path}.reference`, problems);
  const declaredType = optionalString(reference.type, `${path}.type`, problems, 200);
  const display = optionalString(reference.display, `${path}.display`, problems, 10_000);
  const containedTarget = literal?.startsWith('#') ? contained.get(literal.slice(1)) : undefined;
  const type = typeOf(declaredType, literal, containedTarget) ?? (carriesProviderIdentifier(reference) ? 'Practitioner' : undefined);

  if (type !== undefined && !CLINICIAN_TYPES.has(type)) return NOT_A_CLINICIAN;
  if (type === undefined && slot === 'subject') return NOT_A_CLINICIAN;

  const identifier = readIdentifier(reference.identifier, `${path}.identifier`, problems);
  if (identifier) return { kind: 'clinician', clinician: { identifier } };

  if (containedTarget) {
    const fromContained = resolveContained(containedTarget, path, contained, options, problems, depth);
    if (fromContained) return fromContained;
  } else if (literal) {
    const parsed = parseLiteral(literal);
    if (parsed?.type === 'Practitioner') {
      if (parsed.id.length > 100) problems.add(`${path}.reference`, 'has an id longer than 100 characters');
      else return { kind: 'clinician', clinician: { identifier: { system: options.referenceSystem, value: parsed.id } } };
    }
  }
  // Only now is this known to be a clinician's reference: what identifiers it has are kept for staff to resolve it.
  const identifiers = partialIdentifiers(reference.identifier, containedTarget);
  const withIdentifiers = (person: UnidentifiedPerson): PersonResult => ({ kind: 'unidentified', person: identifiers.length > 0 ? { ...person, identifiers } : person });
  if (display && display.trim()) return withIdentifiers({ reason: 'display-only', hint: display.trim().slice(0, 200) });
  if (literal) return withIdentifiers({ reason: 'unresolvable-reference', hint: literal.slice(0, 200) });
  if (type === undefined && identifiers.length === 0) return NOT_A_CLINICIAN;
  return withIdentifiers({ reason: 'unresolvable-reference' });
}

/** Whether a reference carries an identifier whose system is issued only to providers (the NPI). */
function carriesProviderIdentifier(reference: Json): boolean {
  return isObject(reference.identifier) && typeof reference.identifier.system === 'string' && isProviderIdentifierSystem(reference.identifier.system);
}

/**
 * The identifiers a clinician's reference carries that could not identify them (a value without a system, or
 * those of a contained Practitioner/PractitionerRole), as given: the minimum staff need to resolve the item.
 * Only called for references already known to be a clinician's, so a patient's identifier never gets here.
 */
function partialIdentifiers(own: unknown, containedTarget: Json | undefined): SourceIdentifier[] {
  const candidates: unknown[] = [own];
  if (containedTarget && CLINICIAN_TYPES.has(containedTarget.resourceType as string) && Array.isArray(containedTarget.identifier)) candidates.push(...containedTarget.identifier);
  const identifiers: SourceIdentifier[] = [];
  for (const candidate of candidates) {
    if (!isObject(candidate) || typeof candidate.value !== 'string' || !candidate.value.trim() || candidate.value.length > 100) continue;
    const system = typeof candidate.system === 'string' && candidate.system.trim() && candidate.system.length <= 200 ? candidate.system : null;
    if (!identifiers.some((known) => known.system === system && known.value === candidate.value)) identifiers.push({ system, value: candidate.value });
    if (identifiers.length === 5) break;
  }
  return identifiers;
}

function resolveContained(
  target: Json,
  path: string,
  contained: Map<string, Json>,
  options: PeopleOptions,
  problems: ProblemList,
  depth: number,
): PersonResult | undefined {
  // Only a clinician resource's identifiers are read: a reference that claims to be a Practitioner but points
  // at a contained Patient must never turn the patient's record number into a clinician identifier.
  if (!CLINICIAN_TYPES.has(target.resourceType as string)) return undefined;
  const ownIdentifier = firstIdentifier(target.identifier, `${path}(contained).identifier`, problems);
  if (ownIdentifier && target.resourceType === 'Practitioner') return { kind: 'clinician', clinician: { identifier: ownIdentifier } };
  if (target.resourceType === 'PractitionerRole' && depth === 0 && isObject(target.practitioner)) {
    const viaPractitioner = resolvePerson(target.practitioner, `${path}(contained).practitioner`, 'clinician-slot', contained, options, problems, 1);
    if (viaPractitioner.kind === 'clinician') return viaPractitioner;
  }
  if (ownIdentifier) return { kind: 'clinician', clinician: { identifier: ownIdentifier } };
  return undefined;
}

function typeOf(declared: string | undefined, literal: string | undefined, containedTarget: Json | undefined): string | undefined {
  if (declared) return declared.replace(/^.*\//, '');
  if (containedTarget && typeof containedTarget.resourceType === 'string') return containedTarget.resourceType;
  if (literal && !literal.startsWith('#')) return parseLiteral(literal)?.type;
  return undefined;
}

/** `Practitioner/123`, `https://host/fhir/Practitioner/123` or `.../Practitioner/123/_history/2`. */
function parseLiteral(literal: string): { type: string; id: string } | undefined {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(literal);
  return match ? { type: match[1], id: match[2] } : undefined;
}

/** An Identifier with both system and value, or undefined. */
function readIdentifier(value: unknown, path: string, problems: ProblemList) {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.add(path, 'must be a JSON object');
    return undefined;
  }
  const system = optionalString(value.system, `${path}.system`, problems, 200);
  const identifierValue = optionalString(value.value, `${path}.value`, problems, 100);
  return system && identifierValue && system.trim() && identifierValue.trim() ? { system, value: identifierValue } : undefined;
}

function firstIdentifier(value: unknown, path: string, problems: ProblemList) {
  for (const [index, candidate] of objectList(value, path, problems).entries()) {
    const identifier = readIdentifier(candidate, `${path}[${index}]`, problems);
    if (identifier) return identifier;
  }
  return undefined;
}
