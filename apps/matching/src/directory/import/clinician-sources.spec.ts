import { clinicianRowsFromCsv, clinicianRowsFromFhirBundle } from './clinician-sources';

describe('clinicianRowsFromCsv', () => {
  it('reads identifiers, languages and flags', () => {
    const rows = clinicianRowsFromCsv(
      'identifiers,displayName,profession,department,facility,phone,email,languages,optedOut\n' +
        '"http://hl7.org/fhir/sid/us-npi|1234567893;urn:emp|E-1",Dr. A,physician,icu,main,+15550001111,a@example.org,en;ES,false\n' +
        'urn:emp|E-2,B,nurse,,,,,,TRUE\n',
    );
    expect(rows).toEqual([
      { row: 1, clinician: {
        identifiers: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }, { system: 'urn:emp', value: 'E-1' }],
        displayName: 'Dr. A', profession: 'physician', department: 'icu', facility: 'main', phone: '+15550001111', email: 'a@example.org',
        languages: ['en', 'es'], optedOut: false,
      } },
      { row: 2, clinician: {
        identifiers: [{ system: 'urn:emp', value: 'E-2' }], displayName: 'B', profession: 'nurse', department: undefined, facility: undefined,
        phone: undefined, email: undefined, languages: undefined, optedOut: true,
      } },
    ]);
  });

  it('refuses unknown columns instead of dropping them', () => {
    expect(() => clinicianRowsFromCsv('identifiers,displayName,profession,narrative\nurn:e|1,A,nurse,text\n')).toThrow(/unknown column\(s\): narrative/);
  });

  it('reports a bad flag on its row', () => {
    expect(clinicianRowsFromCsv('identifiers,displayName,profession,optedOut\nurn:e|1,A,nurse,maybe\n')).toEqual([{ row: 1, error: 'optedOut must be true or false' }]);
  });
});

describe('clinicianRowsFromFhirBundle', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: {
        resourceType: 'Practitioner', id: 'p1',
        identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }],
        name: [{ prefix: ['Dr.'], given: ['Ada'], family: 'Lovelace' }],
        telecom: [{ system: 'email', value: 'ada@example.org' }, { system: 'phone', value: '+15550001111' }],
        communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'es-MX' }] }],
      } },
      { resource: {
        resourceType: 'PractitionerRole', practitioner: { reference: 'Practitioner/p1' },
        code: [{ coding: [{ code: 'physician', display: 'Physician' }] }], specialty: [{ text: 'Emergency' }], location: [{ display: 'Main Campus' }],
      } },
      { resource: { resourceType: 'Organization', id: 'o1' } },
      { resource: { resourceType: 'Practitioner', id: 'p2', identifier: [{ system: 'urn:emp', value: 'E-2' }], name: [{ text: 'No Role' }] } },
    ],
  };

  it('joins Practitioner and PractitionerRole', () => {
    expect(clinicianRowsFromFhirBundle(bundle)[0]).toEqual({ row: 1, clinician: {
      identifiers: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }], displayName: 'Dr. Ada Lovelace', profession: 'physician',
      department: 'Emergency', facility: 'Main Campus', phone: '+15550001111', email: 'ada@example.org', languages: ['es'], optedOut: false,
    } });
  });

  it('keeps a Practitioner without a role (validation then rejects the missing profession) and ignores other resources', () => {
    const rows = clinicianRowsFromFhirBundle(bundle);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ row: 4, clinician: { displayName: 'No Role', profession: '' } });
  });

  it('refuses what is not a Bundle', () => {
    expect(() => clinicianRowsFromFhirBundle({ resourceType: 'Practitioner' })).toThrow(/Bundle/);
  });
});
