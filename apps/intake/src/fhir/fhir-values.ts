import { parseRfc3339 } from '@harbor/input';

/** Small readers for FHIR JSON datatypes that never trust the shape they are given. */

export interface FhirProblem {
  field: string;
  message: string;
}

/** A FHIR resource (or part of one) that cannot be understood; `problems` name each field, never a value. */
export class FhirValidationError extends Error {
  constructor(readonly problems: FhirProblem[]) {
    super(`AdverseEvent failed validation: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
    this.name = 'FhirValidationError';
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while a mapper walks a resource, so one answer names every bad field. */
export class ProblemList {
  readonly problems: FhirProblem[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new FhirValidationError(this.problems);
  }
}

/** A 0..1 element: absent, or an object. Anything else is a problem. */
export function optionalObject(value: unknown, field: string, problems: ProblemList): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) return value;
  problems.add(field, 'must be a JSON object');
  return undefined;
}

/** A 0..* element: absent, or an array of objects (a lone object is accepted, as lenient parsers do). */
export function objectList(value: unknown, field: string, problems: ProblemList, max = 200): Json[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > max) {
    problems.add(field, `must have at most ${max} entries`);
    return [];
  }
  const objects: Json[] = [];
  items.forEach((item, index) => {
    if (isObject(item)) objects.push(item);
    else problems.add(Array.isArray(value) ? `${field}[${index}]` : field, 'must be a JSON object');
  });
  return objects;
}

export function optionalString(value: unknown, field: string, problems: ProblemList, maxLength = 1000): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.add(field, 'must be a string');
    return undefined;
  }
  if (value.length > maxLength) {
    problems.add(field, `must be at most ${maxLength} characters`);
    return undefined;
  }
  return value;
}

export interface Coding {
  system?: string;
  code?: string;
}

/** Codes of a CodeableConcept (or a list of them), lower-cased; text and displays are not read. */
export function codesOf(value: unknown, field: string, problems: ProblemList): Coding[] {
  const concepts = objectList(value, field, problems);
  const codings: Coding[] = [];
  concepts.forEach((concept, conceptIndex) => {
    const path = Array.isArray(value) ? `${field}[${conceptIndex}]` : field;
    // R5 wraps some concepts in CodeableReference: { concept: CodeableConcept }.
    const inner = isObject(concept.concept) ? concept.concept : concept;
    objectList(inner.coding, `${path}.coding`, problems).forEach((coding, index) => {
      const system = optionalString(coding.system, `${path}.coding[${index}].system`, problems);
      const code = optionalString(coding.code, `${path}.coding[${index}].code`, problems);
      if (code) codings.push({ system, code: code.trim().toLowerCase() });
    });
  });
  return codings;
}

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * A FHIR date or dateTime as a full RFC 3339 instant. Partial dates (2021, 2021-12, 2021-12-10) become the
 * start of that period in UTC; a dateTime must be an RFC 3339 date-time (FHIR requires seconds and a zone with a
 * time), checked by the same rule as every other date Harbor reads.
 */
export function fhirDateTime(value: unknown, field: string, problems: ProblemList): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || (!PARTIAL_DATE.test(value) && !value.includes('T'))) {
    problems.add(field, 'must be a FHIR date or dateTime with a time zone');
    return undefined;
  }
  const [year, month = '01', day = '01'] = value.slice(0, 10).split('-');
  const instant = parseRfc3339(PARTIAL_DATE.test(value) ? `${year}-${month}-${day}` : value);
  if (!instant || instant.getUTCFullYear() < 1900 || instant.getUTCFullYear() > 9999) {
    problems.add(field, PARTIAL_DATE.test(value) ? 'is not a valid date' : 'must be a FHIR dateTime with seconds and a time zone (RFC 3339)');
    return undefined;
  }
  return instant.toISOString();
}
