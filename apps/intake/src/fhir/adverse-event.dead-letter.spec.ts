import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { EventDefinition, IncidentReported, IncidentReportedV1, LawsuitNotified, LawsuitNotifiedV1, validateEventPayload } from '@harbor/contracts';
import { HL7_ADVERSE_EVENT_EXAMPLES } from '../../../../test/intake/fixtures/hl7-adverse-events';
import { loadConfig } from '@harbor/config';
import { InboundIncident } from '../incidents/inbound-incident-record';
import { IntakeEnv } from '../intake.env';
import { adverseEventOptionsFrom } from '../intake.settings';
import { AdverseEventOptions, mapAdverseEvent } from './adverse-event.mapper';
import { adverseEventDeadLetterView } from './adverse-event.dead-letter';

/** The default settings, recorders included so that element is read too. */
const options: AdverseEventOptions = { ...adverseEventOptionsFrom(loadConfig(IntakeEnv, {})), includeRecorders: true };

const CANARY = 'QZDLQCANARY';

/** An R4 event with patient data and free text wherever FHIR allows it. */
const r4WithPatientData = {
  resourceType: 'AdverseEvent',
  id: 'ae-1',
  text: { status: 'generated', div: `<div>${CANARY} narrative</div>` },
  contained: [
    { resourceType: 'Patient', id: 'pat', identifier: [{ system: 'urn:mrn', value: `${CANARY}-mrn` }], name: [{ family: `${CANARY}-family` }], birthDate: '1950-01-01' },
    { resourceType: 'Practitioner', id: 'doc', identifier: [{ system: 'urn:npi', value: '1234567893' }], name: [{ text: `${CANARY}-practitioner-name` }] },
  ],
  actuality: 'actual',
  category: [{ coding: [{ code: 'wrong-dose', display: `${CANARY}-display` }], text: `${CANARY}-text` }],
  event: { coding: [{ code: '1' }], text: `${CANARY}-event` },
  subject: { reference: 'Patient/123', display: `${CANARY}-patient`, identifier: { system: 'urn:mrn', value: `${CANARY}-subject-mrn` } },
  encounter: { display: `${CANARY}-encounter` },
  date: '2026-11-26T01:00:00Z',
  location: { reference: 'Location/general', display: `${CANARY}-location` },
  severity: { coding: [{ code: 'severe' }], text: `${CANARY}-severity` },
  recorder: { reference: '#doc' },
  contributor: [{ identifier: { system: 'urn:npi', value: '1112223334' } }, { display: 'the night nurse' }],
  suspectEntity: [{ instance: { display: `${CANARY}-suspect` } }],
  note: [{ text: `${CANARY}-note` }],
};

describe('what a FHIR AdverseEvent dead letter keeps', () => {
  it('no patient data and no free text, only the elements the mapping reads', () => {
    const reduced = adverseEventDeadLetterView(r4WithPatientData);
    expect(JSON.stringify(reduced)).not.toContain(CANARY);
    expect(reduced).toMatchObject({
      resourceType: 'AdverseEvent', id: 'ae-1', actuality: 'actual', date: '2026-11-26T01:00:00Z',
      contained: [{ resourceType: 'Patient', id: 'pat' }, { resourceType: 'Practitioner', id: 'doc', identifier: [{ system: 'urn:npi', value: '1234567893' }] }],
      location: { reference: 'Location/general' },
      contributor: [{ identifier: { system: 'urn:npi', value: '1112223334' } }, { display: 'the night nurse' }],
    });
    expect(reduced).not.toHaveProperty('subject');
  });

  it('keeps a subject that is a clinician (a staff member harmed)', () => {
    for (const subject of [{ reference: 'Practitioner/7' }, { type: 'PractitionerRole', identifier: { system: 's', value: 'v' } }, { reference: 'https://ehr.example/fhir/Practitioner/7/_history/2' }]) {
      expect(adverseEventDeadLetterView({ resourceType: 'AdverseEvent', subject })).toEqual({ resourceType: 'AdverseEvent', subject });
    }
    for (const subject of [{ reference: 'Patient/7', display: 'Jane Roe' }, { type: 'Patient', identifier: { system: 'urn:mrn', value: '42' } }, { display: 'Jane Roe' }]) {
      expect(adverseEventDeadLetterView({ resourceType: 'AdverseEvent', subject })).toEqual({ resourceType: 'AdverseEvent' });
    }
    const contained = [{ resourceType: 'Patient', id: 'pat', name: [{ text: 'Jane Roe' }] }, { resourceType: 'Practitioner', id: 'doc' }];
    expect(adverseEventDeadLetterView({ resourceType: 'AdverseEvent', contained, subject: { reference: '#pat', display: 'Jane Roe' } })).not.toHaveProperty('subject');
    expect(adverseEventDeadLetterView({ resourceType: 'AdverseEvent', contained, subject: { reference: '#doc', display: 'Dr Who' } })).toHaveProperty('subject', { reference: '#doc', display: 'Dr Who' });
  });

  it('maps to the same trigger as the original, for every HL7 example and the event above (so it can be replayed)', () => {
    for (const { name, version, resource } of [...HL7_ADVERSE_EVENT_EXAMPLES, { name: 'patient data', version: 'R4' as const, resource: r4WithPatientData }]) {
      const reduced = adverseEventDeadLetterView(resource);
      expect({ name, trigger: mapAdverseEvent(reduced, options, version) }).toEqual({ name, trigger: mapAdverseEvent(resource, options, version) });
    }
  });

  it('maps to the same trigger as any original the mapping accepts (property)', () => {
    const reference = fc.record({
      reference: fc.constantFrom('Practitioner/1', '#doc', '#pat', '#nobody', 'PractitionerRole/2', 'Patient/3', 'Device/4'),
      type: fc.constantFrom('Practitioner', 'Patient', 'PractitionerRole'),
      identifier: fc.record({ system: fc.constantFrom('urn:npi', 'urn:emp'), value: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/) }),
      display: fc.stringMatching(/^[A-Za-z ]{1,30}$/),
    }, { requiredKeys: [] });
    const codes = fc.record({ coding: fc.array(fc.record({ system: fc.constant('urn:x'), code: fc.constantFrom('fatal', 'severe', 'moderate', 'mild', 'wrong-dose', 'fall') })), text: fc.string() }, { requiredKeys: [] });
    const resource = fc.record({
      resourceType: fc.constant('AdverseEvent'),
      id: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
      actuality: fc.constantFrom('actual', 'potential'),
      status: fc.constantFrom('completed', 'in-progress'),
      category: fc.array(codes, { maxLength: 2 }),
      severity: codes,
      outcome: fc.oneof(codes, fc.array(codes, { maxLength: 2 })),
      date: fc.constant('2026-11-20T08:00:00Z'),
      occurrenceDateTime: fc.constant('2026-11-20T08:00:00Z'),
      subject: reference,
      recorder: reference,
      contributor: fc.array(reference, { maxLength: 3 }),
      participant: fc.array(fc.record({ actor: reference, function: codes }, { requiredKeys: ['actor'] }), { maxLength: 3 }),
      contained: fc.constant(r4WithPatientData.contained),
      note: fc.constant([{ text: CANARY }]),
    }, { requiredKeys: ['resourceType', 'date', 'occurrenceDateTime'] }); // dated: an undated event is stamped with the time it is read
    fc.assert(
      fc.property(resource, fc.constantFrom('R4' as const, 'R5' as const), (original, version) => {
        let expected;
        try {
          expected = mapAdverseEvent(original, options, version);
        } catch {
          return; // a record the mapping refuses is not replayed as it is; its reason is in the headers
        }
        const reduced = adverseEventDeadLetterView(original);
        expect(mapAdverseEvent(reduced, options, version)).toEqual(expected);
        expect(JSON.stringify(reduced)).not.toContain(CANARY);
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });
});

/** The validated properties of a contract class, i.e. every field the contract reads. */
function contractFields(payload: new () => object): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(payload, '', true, false).map((entry) => entry.propertyName))].sort();
}

describe('what a native incident or claim notice dead letter keeps', () => {
  const incident = {
    source: 'rl-datix', sourceEventId: 'INC-1', occurredAt: '2026-11-26T05:00:00Z', reportedAt: '2026-11-26T05:20:00Z',
    category: 'medication-error', harmLevel: 'severe', facility: 'general', department: 'emergency',
    involvedClinicians: [{ identifier: { system: 'urn:npi', value: '1234567893' }, role: 'prescriber', profession: 'physician', name: `${CANARY}-name` }],
    narrative: `${CANARY}-narrative`, patient: { name: `${CANARY}-patient`, mrn: `${CANARY}-mrn` },
  };
  const notice = {
    source: 'risk-mgmt', noticeId: 'CLM-1', receivedAt: '2026-11-25T09:00:00Z', kind: 'lawsuit', facility: 'general',
    namedClinicians: [{ identifier: { system: 'urn:npi', value: '1234567893' }, name: `${CANARY}-name` }],
    plaintiff: `${CANARY}-plaintiff`, allegations: `${CANARY}-allegations`,
  };

  it('every field of the contract and nothing else, so the reduced record validates to the same payload', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- two contracts of different payload types in one list
    const cases: [EventDefinition<any>, new () => object, Record<string, unknown>][] = [[IncidentReported, IncidentReportedV1, incident], [LawsuitNotified, LawsuitNotifiedV1, notice]];
    for (const [definition, payload, record] of cases) {
      const reduced = definition.deadLetterView!(record) as Record<string, unknown>;
      expect(JSON.stringify(reduced)).not.toContain(CANARY);
      expect(Object.keys(reduced).sort()).toEqual(contractFields(payload).filter((field) => field in record));
      expect(validateEventPayload(definition, reduced)).toEqual(validateEventPayload(definition, record));
    }
  });

  it('a shape that names every contract field (a field added to a contract must be added to its shape)', () => {
    for (const [definition, payload] of [[IncidentReported, IncidentReportedV1], [LawsuitNotified, LawsuitNotifiedV1]] as const) {
      // Each field once as text and once as a list of objects: a shape keeps the one it names.
      const kept = ['x', [{}]].flatMap((value) => Object.keys(definition.deadLetterView!(Object.fromEntries(contractFields(payload).map((field) => [field, value]))) as object));
      expect([...new Set(kept)].sort()).toEqual(contractFields(payload));
    }
  });

  it('the incidents topic reads each record as what it is: FHIR or native', () => {
    expect(JSON.stringify(InboundIncident.deadLetterView!(incident))).not.toContain(CANARY);
    expect(InboundIncident.deadLetterView!(incident)).toHaveProperty('involvedClinicians');
    expect(JSON.stringify(InboundIncident.deadLetterView!(r4WithPatientData))).not.toContain(CANARY);
    expect(InboundIncident.deadLetterView!(r4WithPatientData)).toHaveProperty('resourceType', 'AdverseEvent');
  });
});
