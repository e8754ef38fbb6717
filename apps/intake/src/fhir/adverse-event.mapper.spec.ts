import { HL7_ADVERSE_EVENT_EXAMPLES } from '../../../../test/intake/fixtures/hl7-adverse-events';
import { AdverseEventOptions, detectFhirVersion, mapAdverseEvent } from './adverse-event.mapper';
import { FhirValidationError } from './fhir-values';

const REF = 'urn:harbor:fhir:Practitioner';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const options: AdverseEventOptions = {
  referenceSystem: REF,
  includeRecorders: false,
  defaultSource: 'fhir',
  defaultFacility: 'unspecified',
  defaultHarmLevel: 'mild',
  now: () => new Date('2026-01-01T00:00:00Z'),
};

function r4(extra: Record<string, unknown>) {
  return { resourceType: 'AdverseEvent', id: 'ae-1', actuality: 'actual', date: '2026-01-01T10:00:00Z', ...extra };
}
function r5(extra: Record<string, unknown>) {
  return { resourceType: 'AdverseEvent', id: 'ae-1', status: 'completed', actuality: 'actual', occurrenceDateTime: '2026-01-01T10:00:00Z', ...extra };
}
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirValidationError) return error.problems.map((problem) => problem.field);
    throw error;
  }
  throw new Error('expected a FhirValidationError');
}

describe('mapAdverseEvent: HL7 examples', () => {
  it.each(HL7_ADVERSE_EVENT_EXAMPLES.map((example) => [example.name, example] as const))('%s is accepted or triaged', (_name, example) => {
    for (const includeRecorders of [false, true]) {
      const trigger = mapAdverseEvent(example.resource, { ...options, includeRecorders });
      expect(detectFhirVersion(example.resource)).toBe(example.version);
      expect(trigger.clinicians.length + trigger.unidentified.length).toBeGreaterThan(0);
      expect(trigger.sourceEventId).toBeTruthy();
      expect(Number.isNaN(Date.parse(trigger.occurredAt))).toBe(false);
    }
  });

  it('R4 example: product-use-error is a medication error, mild; its recorder is supported only when the policy says so', () => {
    const example = HL7_ADVERSE_EVENT_EXAMPLES[0].resource;
    const without = mapAdverseEvent(example, options);
    expect(without).toMatchObject({ category: 'medication-error', harmLevel: 'mild', sourceEventId: 'http://acme.com/ids/patients/risks|49476534' });
    expect(without.clinicians).toEqual([]);
    expect(without.unidentified).toEqual([{ reason: 'no-clinician-named' }]);
    const withRecorders = mapAdverseEvent(example, { ...options, includeRecorders: true });
    expect(withRecorders.clinicians).toEqual([{ identifier: { system: REF, value: 'example' }, role: 'recorder' }]);
  });

  it('stage 1 and stage 2 of the same event share one source event id (an update, not a new event)', () => {
    const [stage1, stage2] = [HL7_ADVERSE_EVENT_EXAMPLES[2], HL7_ADVERSE_EVENT_EXAMPLES[3]].map((example) => mapAdverseEvent(example.resource, options));
    expect(stage1.sourceEventId).toBe(stage2.sourceEventId);
    expect(stage2.unidentified).toEqual([{ reason: 'display-only', hint: 'reviewing physician' }]);
  });

  it('phlebotomist example: a Practitioner subject is a harmed staff member, triaged by display, category staff-assault', () => {
    const trigger = mapAdverseEvent(HL7_ADVERSE_EVENT_EXAMPLES[4].resource, options);
    expect(trigger).toMatchObject({ category: 'staff-assault', harmLevel: 'severe', occurredAt: '2021-12-10T00:00:00.000Z', reportedAt: '2021-12-15T00:00:00.000Z' });
    expect(trigger.unidentified).toEqual([{ reason: 'display-only', hint: 'phlebotomist' }]);
  });

  it('never copies a patient display, a narrative or a note', () => {
    for (const example of HL7_ADVERSE_EVENT_EXAMPLES) {
      const text = JSON.stringify(mapAdverseEvent(example.resource, { ...options, includeRecorders: true }));
      for (const forbidden of ['39 year-old male', 'rash', 'seizure', 'wrong label', 'Palliative Care Agency', 'encounter']) expect(text).not.toContain(forbidden);
    }
  });
});

describe('mapAdverseEvent: clinicians', () => {
  it('R4 contributors: identifier on the reference, contained Practitioner, contained PractitionerRole, bare reference; devices ignored', () => {
    const trigger = mapAdverseEvent(
      r4({
        contained: [
          { resourceType: 'Practitioner', id: 'p1', name: [{ family: 'CANARY' }], identifier: [{ system: NPI, value: '1111111111' }] },
          { resourceType: 'PractitionerRole', id: 'r1', practitioner: { reference: 'Practitioner/77' } },
          { resourceType: 'Patient', id: 'pat', name: [{ family: 'PATIENT-CANARY' }] },
        ],
        subject: { reference: '#pat' },
        contributor: [
          { reference: 'Practitioner/9', identifier: { system: NPI, value: '2222222222' } },
          { reference: '#p1' },
          { reference: '#r1' },
          { reference: 'https://ehr.example.org/fhir/Practitioner/42/_history/3' },
          { reference: 'Device/pump-1' },
          { reference: 'PractitionerRole/7' },
          { display: 'Dr. Display Only' },
        ],
      }),
      options,
    );
    expect(trigger.clinicians.map((clinician) => clinician.identifier)).toEqual([
      { system: NPI, value: '2222222222' },
      { system: NPI, value: '1111111111' },
      { system: REF, value: '77' },
      { system: REF, value: '42' },
    ]);
    expect(trigger.unidentified).toEqual([
      { reason: 'unresolvable-reference', hint: 'PractitionerRole/7' },
      { reason: 'display-only', hint: 'Dr. Display Only' },
    ]);
    expect(JSON.stringify(trigger)).not.toContain('CANARY');
  });

  it('R5 participants, and a subject that is a Practitioner; a Patient subject is never a clinician', () => {
    const trigger = mapAdverseEvent(
      r5({
        subject: { reference: 'Practitioner/5' },
        participant: [
          { function: { coding: [{ code: 'AUT' }] }, actor: { reference: 'Practitioner/6' } },
          { actor: { reference: 'Patient/1', display: 'A Patient' } },
          { actor: { reference: 'Organization/1' } },
        ],
      }),
      options,
    );
    expect(trigger.clinicians.map((clinician) => [clinician.identifier.value, clinician.role])).toEqual([
      ['5', 'harmed-staff-member'],
      ['6', 'participant'],
    ]);
    expect(trigger.unidentified).toEqual([]);
    expect(trigger.category).toBe('staff-assault');
  });

  it('one clinician named twice is one clinician', () => {
    const trigger = mapAdverseEvent(r5({ participant: [{ actor: { reference: 'Practitioner/6' } }, { actor: { reference: 'Practitioner/6' } }] }), options);
    expect(trigger.clinicians).toHaveLength(1);
  });

  it('one clinician named by NPI as URI in one place and as OID in another is one clinician', () => {
    const oid = 'urn:oid:2.16.840.1.113883.4.6';
    const trigger = mapAdverseEvent(r4({ contributor: [{ identifier: { system: NPI, value: '1234567893' } }, { identifier: { system: oid, value: '1234567893' } }] }), options);
    expect(trigger.clinicians).toEqual([{ identifier: { system: NPI, value: '1234567893' }, role: 'contributor' }]);
  });

  it('a reference that claims a Practitioner but points at a contained Patient never yields the patient\'s identifier', () => {
    const patient = { resourceType: 'Patient', id: 'pat', identifier: [{ system: 'urn:mrn', value: 'MRN-0042' }] };
    for (const reference of [{ reference: '#pat', type: 'Practitioner' }, { reference: '#pat', type: 'PractitionerRole' }]) {
      const trigger = mapAdverseEvent(r4({ contained: [patient], contributor: [reference] }), options);
      expect(trigger.clinicians).toEqual([]);
      expect(JSON.stringify(trigger)).not.toContain('MRN-0042');
    }
  });
});

/**
 * A staff-assault event's subject is the harmed staff member, and sources type it in many ways or not at all.
 * An NPI is issued only to providers, so an untyped subject carrying one is a Practitioner; a subject that may
 * be the patient (untyped, no NPI) is never read, and nothing a patient carries ever leaves the mapper.
 */
describe('mapAdverseEvent: who the subject is, as hospitals send it', () => {
  const NPI_OID = 'urn:oid:2.16.840.1.113883.4.6';
  const assault = (subject: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    r4({ category: [{ coding: [{ code: 'assault' }] }], seriousness: { coding: [{ code: 'serious' }] }, subject, ...extra });

  it.each([
    ['an NPI identifier and no type', { identifier: { system: NPI, value: '1234567893' } }, { system: NPI, value: '1234567893' }],
    ['an NPI under its OID and no type', { identifier: { system: NPI_OID, value: '1234567893' } }, { system: NPI_OID, value: '1234567893' }],
    ['an NPI and a display, no type', { identifier: { system: NPI, value: '1234567893' }, display: 'Nurse CANARY' }, { system: NPI, value: '1234567893' }],
    ['an NPI and an unrelated reference, no type', { reference: 'urn:uuid:9b1f0c4e-0000-4000-8000-000000000000', identifier: { system: NPI, value: '1234567893' } }, { system: NPI, value: '1234567893' }],
    ['a relative Practitioner reference, no type', { reference: 'Practitioner/77' }, { system: REF, value: '77' }],
    ['an absolute Practitioner reference with _history, no type', { reference: 'https://ehr.example.org/fhir/Practitioner/77/_history/2' }, { system: REF, value: '77' }],
    ['type Practitioner and a local identifier', { type: 'Practitioner', identifier: { system: 'urn:emp', value: 'E-7' } }, { system: 'urn:emp', value: 'E-7' }],
    ['a canonical type URL and an NPI', { type: 'http://hl7.org/fhir/StructureDefinition/Practitioner', identifier: { system: NPI, value: '1234567893' } }, { system: NPI, value: '1234567893' }],
  ])('a subject with %s is the harmed staff member', (_name, subject, identifier) => {
    const trigger = mapAdverseEvent(assault(subject), options);
    expect(trigger.clinicians).toEqual([{ identifier, role: 'harmed-staff-member' }]);
    expect(trigger).toMatchObject({ category: 'staff-assault', harmLevel: 'severe', unidentified: [] });
    expect(JSON.stringify(trigger)).not.toContain('CANARY');
  });

  it('an untyped NPI subject makes an uncategorised event a staff assault', () => {
    expect(mapAdverseEvent(r4({ subject: { identifier: { system: NPI, value: '1234567893' } } }), options).category).toBe('staff-assault');
  });

  it.each([
    ['display only, no type (it may be the patient)', { display: 'Jane CANARY' }],
    ['a local identifier, no type (it may be the patient\'s record number)', { identifier: { system: 'urn:mrn', value: 'MRN-CANARY' } }],
    ['type Patient, even with an NPI', { type: 'Patient', identifier: { system: NPI, value: 'CANARY-NPI' } }],
    ['a Patient reference', { reference: 'Patient/CANARY', identifier: { system: 'urn:mrn', value: 'MRN-CANARY' }, display: 'Jane CANARY' }],
    ['a contained Patient', { reference: '#pat' }],
  ])('a subject with %s is not read: no clinician named, nothing of it kept', (_name, subject) => {
    const contained = [{ resourceType: 'Patient', id: 'pat', identifier: [{ system: 'urn:mrn', value: 'MRN-CANARY' }], name: [{ family: 'CANARY' }] }];
    const trigger = mapAdverseEvent(assault(subject, { contained }), options);
    expect(trigger.clinicians).toEqual([]);
    expect(trigger.unidentified).toEqual([{ reason: 'no-clinician-named' }]);
    expect(JSON.stringify(trigger)).not.toContain('CANARY');
  });

  it('an NPI makes a Practitioner wherever a person appears: R4 contributor, R5 participant actor, recorder', () => {
    const npi = (value: string, system = NPI) => ({ identifier: { system, value } });
    const fromR4 = mapAdverseEvent(r4({ contributor: [npi('1111111111', NPI_OID)], recorder: npi('2222222222') }), { ...options, includeRecorders: true });
    expect(fromR4.clinicians).toEqual([{ identifier: { system: NPI_OID, value: '1111111111' }, role: 'contributor' }, { identifier: { system: NPI, value: '2222222222' }, role: 'recorder' }]);
    const fromR5 = mapAdverseEvent(r5({ participant: [{ actor: npi('3333333333') }] }), options);
    expect(fromR5.clinicians).toEqual([{ identifier: { system: NPI, value: '3333333333' }, role: 'participant' }]);
  });
});

describe('mapAdverseEvent: what triage keeps', () => {
  it('keeps the identifiers a clinician\'s reference came with when they cannot name the clinician (no system), with the display or reference', () => {
    const trigger = mapAdverseEvent(
      r4({
        contained: [{ resourceType: 'Practitioner', id: 'p1', identifier: [{ value: 'E-900' }, { system: 'urn:badge', value: '' }] }],
        contributor: [
          { identifier: { value: 'E-100' }, display: 'Night nurse' },
          { reference: 'PractitionerRole/7', identifier: { value: 'E-200', system: '' } },
          { identifier: { value: 'E-300' } },
          { reference: '#p1' },
          { type: 'Practitioner', identifier: { system: NPI } },
        ],
      }),
      options,
    );
    expect(trigger.clinicians).toEqual([]);
    expect(trigger.unidentified).toEqual([
      { reason: 'display-only', hint: 'Night nurse', identifiers: [{ system: null, value: 'E-100' }] },
      { reason: 'unresolvable-reference', hint: 'PractitionerRole/7', identifiers: [{ system: null, value: 'E-200' }] },
      { reason: 'unresolvable-reference', identifiers: [{ system: null, value: 'E-300' }] },
      { reason: 'unresolvable-reference', hint: '#p1', identifiers: [{ system: null, value: 'E-900' }] },
      { reason: 'unresolvable-reference' },
    ]);
  });

  it('never keeps a patient\'s identifier, wherever the patient appears', () => {
    const patient = { resourceType: 'Patient', id: 'pat', identifier: [{ system: 'urn:mrn', value: 'MRN-0042' }] };
    const resources = [
      r4({ contained: [patient], subject: { reference: '#pat' }, contributor: [{ display: 'Dr. Display' }] }),
      r4({ subject: { type: 'Patient', identifier: { system: 'urn:mrn', value: 'MRN-0042' } }, contributor: [{ display: 'Dr. Display' }] }),
      r4({ subject: { identifier: { system: 'urn:mrn', value: 'MRN-0042' } } }),
      r4({ contained: [patient], contributor: [{ reference: '#pat', type: 'Practitioner' }, { type: 'Patient', identifier: { value: 'MRN-0042' } }] }),
      r5({ participant: [{ actor: { reference: 'Patient/1', identifier: { value: 'MRN-0042' }, display: 'A Patient' } }] }),
    ];
    for (const resource of resources) {
      const trigger = mapAdverseEvent(resource, { ...options, includeRecorders: true });
      expect(JSON.stringify(trigger)).not.toContain('MRN-0042');
      expect(JSON.stringify(trigger)).not.toContain('A Patient');
    }
  });
});

describe('mapAdverseEvent: harm, category, actuality', () => {
  it.each([
    [{ severity: { coding: [{ code: 'moderate' }] } }, 'moderate'],
    [{ seriousness: { coding: [{ code: 'SeriousResultsInDeath' }] } }, 'death'],
    [{ outcome: { coding: [{ code: 'fatal' }] }, severity: { coding: [{ code: 'mild' }] } }, 'death'],
    [{ seriousness: { coding: [{ code: 'Non-serious' }] }, severity: { coding: [{ code: 'severe' }] } }, 'severe'],
    [{}, 'mild'],
  ])('%j → %s', (extra, harm) => {
    expect(mapAdverseEvent(r4({ contributor: [{ reference: 'Practitioner/1' }], ...extra }), options).harmLevel).toBe(harm);
  });

  it('a potential event (near miss) has no harm, whatever else it says', () => {
    const trigger = mapAdverseEvent(r4({ actuality: 'potential', severity: { coding: [{ code: 'severe' }] }, contributor: [{ reference: 'Practitioner/1' }] }), options);
    expect(trigger.harmLevel).toBe('none');
  });

  it('a death with no mapped category is an unexpected death; an unknown category is other', () => {
    expect(mapAdverseEvent(r5({ outcome: [{ coding: [{ code: 'fatal' }] }], participant: [{ actor: { reference: 'Practitioner/1' } }] }), options).category).toBe('unexpected-death');
    expect(mapAdverseEvent(r5({ category: [{ coding: [{ code: 'something-local' }] }], participant: [{ actor: { reference: 'Practitioner/1' } }] }), options).category).toBe('other');
    expect(mapAdverseEvent(r4({ category: [{ coding: [{ code: 'wrong-body-site' }] }], contributor: [{ reference: 'Practitioner/1' }] }), options).category).toBe('wrong-site-procedure');
  });

  it('entered-in-error withdraws the event; the location id is the facility', () => {
    const trigger = mapAdverseEvent(r5({ status: 'entered-in-error', location: { reference: 'Location/north-campus', display: 'CANARY' }, participant: [{ actor: { reference: 'Practitioner/1' } }] }), options);
    expect(trigger).toMatchObject({ withdrawn: true, facility: 'north-campus' });
  });
});

describe('mapAdverseEvent: what it refuses, naming the field', () => {
  it.each([
    ['not an object', [], ['resource']],
    ['another resource type', { resourceType: 'Patient', id: 'x' }, ['resourceType']],
    ['no identifier and no id', { resourceType: 'AdverseEvent' }, ['identifier']],
    ['a bad actuality', r4({ actuality: 'maybe' }), ['actuality']],
    ['a bad date', r4({ date: 'yesterday' }), ['date']],
    ['a dateTime without a zone', r5({ occurrenceDateTime: '2026-01-01T10:00:00' }), ['occurrenceDateTime']],
    ['a contributor that is not an object', r4({ contributor: ['Practitioner/1'] }), ['contributor[0]']],
    ['a participant without an actor', r5({ participant: [{ function: {} }] }), ['participant[0].actor']],
    ['a subject that is a string', r4({ subject: 'Patient/1' }), ['subject']],
  ])('%s', (_name, resource, fields) => {
    expect(problemsOf(() => mapAdverseEvent(resource, options))).toEqual(fields);
  });

  it('error messages name fields, never values', () => {
    try {
      mapAdverseEvent(r4({ date: 'CANARY-DATE', contributor: ['CANARY-REF'] }), options);
    } catch (error) {
      expect((error as Error).message).not.toContain('CANARY');
      return;
    }
    throw new Error('expected a validation error');
  });
});
