import fc from 'fast-check';
import {
  AssignmentOffered, AssignmentResponded, CaseLifecycle, IdentifierV1, IncidentReported, IncidentReportedV1, InvolvedClinicianV1,
  SupportRequested, SupportRequestedV1,
} from '@harbor/contracts';
import { EventDefinition } from './event-definition';
import { validateEventPayload } from './event-validation';
import { EventValidationError, PermanentMessageError } from './contract-errors';

const CASE_ID = '3f2b8c1e-5d4a-4c3b-9a2e-1f0e9d8c7b6a';
const ASSIGNMENT_ID = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const REQUEST_ID = '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e';

const validIncident = () => ({
  source: 'datix',
  sourceEventId: 'INC-2024-0042',
  occurredAt: '2024-05-06T07:08:09Z',
  reportedAt: '2024-05-06T07:30:00Z',
  category: 'medication-error',
  harmLevel: 'moderate',
  facility: 'north-campus',
  department: 'icu',
  involvedClinicians: [
    { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }, role: 'prescriber' },
    { identifier: { system: 'urn:harbor:staff', value: 'S-77' } },
  ],
});

const validSupportRequest = () => ({
  requestId: REQUEST_ID,
  clinician: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' },
  trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: '2024-05-06T07:08:09Z' },
  facility: 'north-campus',
  requestedAt: '2024-05-06T07:31:00Z',
});

const validOffer = () => ({
  assignmentId: ASSIGNMENT_ID,
  caseId: CASE_ID,
  attempt: 1,
  supporterId: 'sup-1',
  channels: [{ kind: 'sms', address: '+15550100' }, { kind: 'console', address: '' }],
  respondBy: '2024-05-06T07:46:00Z',
  language: 'en-US',
});

const validResponse = () => ({
  assignmentId: ASSIGNMENT_ID,
  caseId: CASE_ID,
  supporterId: 'sup-1',
  response: 'accepted',
  via: 'link',
  respondedAt: '2024-05-06T07:40:00Z',
});

const validLifecycle = () => ({
  caseId: CASE_ID,
  status: 'offered',
  at: '2024-05-06T07:32:00Z',
  trigger: { kind: 'lawsuit', category: 'deposition', occurredAt: '2024-05-01T00:00:00Z' },
  facility: 'north-campus',
  professionGroup: 'nursing',
  attempt: 2,
});

/** Each definition with its payload type erased, so all five fit in one table. */
const erased = <P extends object>(definition: EventDefinition<P>) => definition as unknown as EventDefinition;

const ALL: [string, EventDefinition, () => Record<string, unknown>][] = [
  ['IncidentReported', erased(IncidentReported), validIncident],
  ['SupportRequested', erased(SupportRequested), validSupportRequest],
  ['AssignmentOffered', erased(AssignmentOffered), validOffer],
  ['AssignmentResponded', erased(AssignmentResponded), validResponse],
  ['CaseLifecycle', erased(CaseLifecycle), validLifecycle],
];

/** The problems of the EventValidationError the call throws; fails the test if it does not throw one. */
function problemsOf<P extends object>(definition: EventDefinition<P>, payload: unknown): string[] {
  try {
    validateEventPayload(definition, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as EventValidationError).problems;
  }
  throw new Error('expected validation to fail');
}

/** True when some problem concerns exactly this field path (not merely a path it is a prefix of). */
const names = (problems: string[], path: string) => problems.some((problem) => problem.startsWith(`${path}: `));

/** An element of an array field is blamed either by index or by an `each value in` rule on the array itself. */
const namesElement = (problems: string[], array: string, index: number) =>
  names(problems, `${array}.${index}`) || problems.some((problem) => problem.startsWith(`${array}: each value in ${array} `));

describe('validateEventPayload', () => {
  describe('valid payloads', () => {
    it.each(ALL)('%s: a valid payload passes and keeps its values', (_name, definition, valid) => {
      expect(validateEventPayload(definition, valid())).toEqual(valid());
    });

    it('returns an instance of the payload class, nested objects included', () => {
      const result = validateEventPayload(IncidentReported, validIncident());
      expect(result).toBeInstanceOf(IncidentReportedV1);
      expect(result.involvedClinicians[0]).toBeInstanceOf(InvolvedClinicianV1);
      expect(result.involvedClinicians[0].identifier).toBeInstanceOf(IdentifierV1);
      expect(validateEventPayload(SupportRequested, validSupportRequest())).toBeInstanceOf(SupportRequestedV1);
    });

    it('accepts omitted optional fields', () => {
      const incident: Record<string, unknown> = validIncident();
      delete incident.department;
      expect(() => validateEventPayload(IncidentReported, incident)).not.toThrow();
      const offer: Record<string, unknown> = validOffer();
      delete offer.language;
      expect(() => validateEventPayload(AssignmentOffered, offer)).not.toThrow();
    });
  });

  describe('invalid payloads', () => {
    it('names the full path of a missing nested field', () => {
      const incident = validIncident();
      delete (incident.involvedClinicians[0].identifier as Partial<IdentifierV1>).value;
      const problems = problemsOf(IncidentReported, incident);
      expect(names(problems, 'involvedClinicians.0.identifier.value')).toBe(true);
      expect(problems.every((problem) => problem.startsWith('involvedClinicians.0.identifier.value: '))).toBe(true);
    });

    it('names the index of the offending array element', () => {
      const incident = validIncident();
      incident.involvedClinicians[1].identifier.system = '';
      const problems = problemsOf(IncidentReported, incident);
      expect(names(problems, 'involvedClinicians.1.identifier.system')).toBe(true);
      expect(problems.some((problem) => problem.startsWith('involvedClinicians.0'))).toBe(false);
    });

    it.each([
      ['harmLevel', 'catastrophic'],
      ['category', 'paperwork'],
      ['occurredAt', 'yesterday'],
      ['facility', 42],
      ['involvedClinicians', []],
      ['involvedClinicians', 'dr-smith'],
    ])('IncidentReported: %s = %j is rejected and named', (field, value) => {
      expect(names(problemsOf(IncidentReported, { ...validIncident(), [field]: value }), field)).toBe(true);
    });

    it.each([
      ['attempt', '1'],
      ['attempt', 0],
      ['caseId', 'not-a-uuid'],
      ['channels', []],
      ['language', 'english'],
    ])('AssignmentOffered: %s = %j is rejected and named', (field, value) => {
      expect(names(problemsOf(AssignmentOffered, { ...validOffer(), [field]: value }), field)).toBe(true);
    });

    it('rejects an unknown channel kind inside the channel list', () => {
      const offer = validOffer();
      offer.channels[1].kind = 'carrier-pigeon';
      expect(names(problemsOf(AssignmentOffered, offer), 'channels.1.kind')).toBe(true);
    });

    it('rejects more than 50 involved clinicians', () => {
      const clinician = validIncident().involvedClinicians[0];
      const incident = { ...validIncident(), involvedClinicians: Array.from({ length: 51 }, () => clinician) };
      expect(names(problemsOf(IncidentReported, incident), 'involvedClinicians')).toBe(true);
    });

    // A bare @ValidateNested skips undefined and accepts arrays; these fields must be real objects.
    it.each([
      ['a missing identifier', { identifier: undefined }, 'involvedClinicians.0.identifier'],
      ['an identifier array', { identifier: [] }, 'involvedClinicians.0.identifier'],
    ])('IncidentReported: rejects %s', (_label, clinician, path) => {
      expect(names(problemsOf(IncidentReported, { ...validIncident(), involvedClinicians: [clinician] }), path)).toBe(true);
    });

    it.each([[[]], [null], ['S-77']])('IncidentReported: rejects the clinician entry %j', (entry) => {
      expect(namesElement(problemsOf(IncidentReported, { ...validIncident(), involvedClinicians: [entry] }), 'involvedClinicians', 0)).toBe(true);
    });

    it.each([
      ['clinician', undefined],
      ['clinician', []],
      ['trigger', undefined],
      ['trigger', [{ kind: 'incident', category: 'other', occurredAt: '2024-05-06T07:08:09Z' }]],
    ])('SupportRequested: rejects %s = %j', (field, value) => {
      expect(names(problemsOf(SupportRequested, { ...validSupportRequest(), [field]: value }), field)).toBe(true);
    });

    it('CaseLifecycle: rejects a missing trigger', () => {
      const change: Record<string, unknown> = validLifecycle();
      delete change.trigger;
      expect(names(problemsOf(CaseLifecycle, change), 'trigger')).toBe(true);
    });

    it('AssignmentOffered: rejects a channel entry that is an array', () => {
      expect(namesElement(problemsOf(AssignmentOffered, { ...validOffer(), channels: [[]] }), 'channels', 0)).toBe(true);
    });

    it('reports every invalid field, not just the first', () => {
      const problems = problemsOf(AssignmentResponded, { ...validResponse(), response: 'maybe', via: 'fax' });
      expect(names(problems, 'response')).toBe(true);
      expect(names(problems, 'via')).toBe(true);
    });

    it('throws a permanent error carrying the versioned event type', () => {
      let caught: unknown;
      try {
        validateEventPayload(SupportRequested, { ...validSupportRequest(), requestId: 'x' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PermanentMessageError);
      expect((caught as EventValidationError).eventType).toBe('org.harbor.support.requested.v1');
      expect((caught as Error).message).toMatch(/^org\.harbor\.support\.requested\.v1 failed validation: requestId: /);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an array', [validSupportRequest()]],
      ['a string', JSON.stringify(validSupportRequest())],
      ['a number', 42],
      ['a boolean', true],
    ])('rejects %s as the payload', (_label, payload) => {
      expect(problemsOf(SupportRequested, payload)).toEqual(['payload: must be a JSON object']);
    });
  });

  describe('unknown fields', () => {
    it.each(ALL.filter(([name]) => name !== 'IncidentReported'))('%s (internal) rejects an extra top-level field', (_name, definition, valid) => {
      expect(names(problemsOf(definition, { ...valid(), clinicianName: 'Dr Jane Roe' }), 'clinicianName')).toBe(true);
    });

    it('internal events reject an extra nested field too', () => {
      const request = validSupportRequest();
      const problems = problemsOf(SupportRequested, { ...request, clinician: { ...request.clinician, display: 'Dr Jane Roe' } });
      expect(names(problems, 'clinician.display')).toBe(true);
    });

    it('IncidentReported strips what a source sends beyond the contract, at every level', () => {
      const incident = {
        ...validIncident(),
        narrative: 'CANARY-NARRATIVE patient given 10x dose',
        patient: { name: 'CANARY-PATIENT', mrn: '000123' },
        involvedClinicians: [{ identifier: { system: 'urn:harbor:staff', value: 'S-77', display: 'CANARY-NAME' }, name: 'CANARY-NAME' }],
      };
      const result = validateEventPayload(IncidentReported, incident);
      expect(result).not.toHaveProperty('narrative');
      expect(result).not.toHaveProperty('patient');
      expect(result.involvedClinicians[0]).not.toHaveProperty('name');
      expect(result.involvedClinicians[0].identifier).not.toHaveProperty('display');
      expect(JSON.stringify(result)).not.toContain('CANARY');
      expect(result.involvedClinicians[0].identifier).toEqual({ system: 'urn:harbor:staff', value: 'S-77' });
    });

    it('IncidentReported still rejects a contract field that is invalid while stripping extras', () => {
      const problems = problemsOf(IncidentReported, { ...validIncident(), narrative: 'x', harmLevel: 'unknown' });
      expect(names(problems, 'harmLevel')).toBe(true);
      expect(names(problems, 'narrative')).toBe(false);
    });
  });

  describe('properties', () => {
    const definitions = fc.constantFrom(...ALL);

    /** Validates and reports what happened; any throw other than EventValidationError fails the property. */
    const outcome = <P extends object>(definition: EventDefinition<P>, payload: unknown): 'valid' | 'invalid' => {
      try {
        validateEventPayload(definition, payload);
        return 'valid';
      } catch (error) {
        if (error instanceof EventValidationError) return 'invalid';
        throw error;
      }
    };

    it('arbitrary JSON values either validate or throw EventValidationError, never anything else', () => {
      fc.assert(
        fc.property(definitions, fc.jsonValue(), ([, definition], payload) => {
          outcome(definition, payload);
        }),
        { numRuns: 500 },
      );
    });

    it('a valid payload with one field replaced by arbitrary JSON fails only with EventValidationError', () => {
      fc.assert(
        fc.property(definitions, fc.nat(), fc.jsonValue(), ([, definition, valid], index, value) => {
          const payload = valid();
          const fields = Object.keys(payload);
          payload[fields[index % fields.length]] = value;
          outcome(definition, payload);
        }),
        { numRuns: 500 },
      );
    });

    it('a valid payload with arbitrary extra fields is rejected by internal events and stripped by IncidentReported', () => {
      const extraKey = fc.string({ minLength: 1 }).filter((key) => !(key in validIncident()) && !(key in validSupportRequest()) && key !== '__proto__');
      fc.assert(
        fc.property(extraKey, fc.jsonValue(), (key, value) => {
          expect(outcome(SupportRequested, { ...validSupportRequest(), [key]: value })).toBe('invalid');
          const stripped = validateEventPayload(IncidentReported, { ...validIncident(), [key]: value });
          expect(Object.prototype.hasOwnProperty.call(stripped, key)).toBe(false);
        }),
      );
    });
  });
});
