import fc from 'fast-check';
import { AdverseEventOptions, mapAdverseEvent } from './adverse-event.mapper';
import { FhirValidationError } from './fhir-values';

const options: AdverseEventOptions = {
  referenceSystem: 'urn:harbor:fhir:Practitioner',
  includeRecorders: true,
  defaultSource: 'fhir',
  defaultFacility: 'unspecified',
  defaultHarmLevel: 'mild',
};

const ELEMENTS = [
  'id', 'identifier', 'meta', 'status', 'actuality', 'category', 'event', 'code', 'subject', 'date', 'detected', 'recordedDate',
  'occurrenceDateTime', 'occurrencePeriod', 'location', 'seriousness', 'severity', 'outcome', 'recorder', 'contributor',
  'participant', 'contained', 'serious', 'clinResSeverityOrGrade', 'text', 'note',
];

/** Random values, and random values shaped a little like FHIR so the mapper walks deeper. */
const fhirish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ reference: fc.oneof(fc.string(), fc.constantFrom('Practitioner/1', '#c', 'PractitionerRole/2', 'Patient/3')), display: fc.string(), type: fc.string() }, { requiredKeys: [] }),
    fc.record({ coding: fc.array(fc.record({ system: fc.string(), code: fc.oneof(fc.string(), fc.constantFrom('fatal', 'severe', 'fall')) }, { requiredKeys: [] })) }, { requiredKeys: [] }),
    fc.record({ actor: tie('value'), identifier: tie('value') }, { requiredKeys: [] }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
}));

const arbitraryResource = fc.dictionary(fc.constantFrom(...ELEMENTS), fhirish.value, { maxKeys: 12 }).map((fields) => ({ resourceType: 'AdverseEvent', ...fields }));

describe('mapAdverseEvent properties', () => {
  it('arbitrary JSON either maps or fails with a FhirValidationError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryResource, fc.jsonValue()), (resource) => {
        try {
          mapAdverseEvent(resource, options);
        } catch (error) {
          if (!(error instanceof FhirValidationError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never loses a Practitioner reference, wherever it is named', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9\-.]{1,20}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.constantFrom('Device/1', 'Patient/2', 'Organization/3'), { maxLength: 3 }),
        (ids, isR5, noise) => {
          const references = [...ids.map((value) => `Practitioner/${value}`), ...noise].map((reference) => ({ reference }));
          const resource = isR5
            ? { resourceType: 'AdverseEvent', id: 'x', status: 'completed', participant: references.map((actor) => ({ actor })) }
            : { resourceType: 'AdverseEvent', id: 'x', contributor: references };
          const trigger = mapAdverseEvent(resource, options);
          const found = trigger.clinicians.map((clinician) => clinician.identifier.value);
          expect(found.sort()).toEqual([...ids].sort());
        },
      ),
      { numRuns: 500 },
    );
  });
});
