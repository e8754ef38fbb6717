import { Readable } from 'node:stream';
import { clinicianRowsFromCsv, clinicianRowsFromFhirBundle, CsvLimits, SourceRow } from './clinician-sources';

const LIMITS: CsvLimits = { bytes: 1024 * 1024, rows: 1000 };

/** Reads a CSV given in chunks, as a request body arrives. */
async function readCsv(chunks: string | (string | Buffer)[], limits = LIMITS): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of clinicianRowsFromCsv(Readable.from(typeof chunks === 'string' ? [chunks] : chunks), limits)) rows.push(row);
  return rows;
}

describe('clinicianRowsFromCsv', () => {
  it('reads identifiers, languages and flags', async () => {
    const rows = await readCsv(
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

  it('refuses unknown columns instead of dropping them, even in a file without rows', async () => {
    await expect(readCsv('identifiers,displayName,profession,narrative\nurn:e|1,A,nurse,text\n')).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/unknown column\(s\): narrative/) });
    await expect(readCsv('identifiers,displayName,narrative\n')).rejects.toThrow(/unknown column/);
  });

  it('reports a bad flag on its row', async () => {
    expect(await readCsv('identifiers,displayName,profession,optedOut\nurn:e|1,A,nurse,maybe\n')).toEqual([{ row: 1, error: 'optedOut must be true or false' }]);
  });

  it('reads records split across chunks anywhere, a byte-order mark and CRLF, numbering rows past empty lines', async () => {
    const text = '\uFEFFidentifiers,displayName,profession\r\nurn:e|1,"Dr. A, Jr.",nurse\r\n\r\nurn:e|2,B,physician\r\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(await readCsv(chunks)).toEqual([
      { row: 1, clinician: expect.objectContaining({ identifiers: [{ system: 'urn:e', value: '1' }], displayName: 'Dr. A, Jr.' }) },
      { row: 2, clinician: expect.objectContaining({ identifiers: [{ system: 'urn:e', value: '2' }], profession: 'physician' }) },
    ]);
  });

  it('refuses a file over the byte or row limit as a whole', async () => {
    const csv = 'identifiers,displayName,profession\n' + 'urn:e|1,A,nurse\n'.repeat(20);
    await expect(readCsv(csv, { bytes: 100, rows: 1000 })).rejects.toMatchObject({ status: 413, message: 'larger than 100 bytes' });
    await expect(readCsv(csv, { bytes: 10_000, rows: 19 })).rejects.toMatchObject({ status: 413, message: 'at most 19 clinicians per import' });
    expect(await readCsv(csv, { bytes: 10_000, rows: 20 })).toHaveLength(20);
  });

  it('names the line of malformed CSV but never quotes its content', async () => {
    const failure = readCsv('identifiers,displayName,profession\nurn:e|1,A,nurse\nurn:e|2,Secret "Name,nurse\n');
    await expect(failure).rejects.toMatchObject({ status: 422, message: 'malformed CSV at line 3, column displayName (INVALID_OPENING_QUOTE)' });
    await expect(failure).rejects.not.toThrow(/Secret/);
    await expect(readCsv('identifiers,displayName,profession\nurn:e|1,A\n')).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/line 2/) });
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

  it('keeps a Practitioner without a role or qualification, with profession unknown and a warning, and ignores other resources', () => {
    const rows = clinicianRowsFromFhirBundle(bundle);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ row: 4, clinician: { displayName: 'No Role', profession: null }, warnings: [{ field: 'profession', message: expect.stringMatching(/^unknown/) }] });
    expect(rows[0].warnings).toBeUndefined();
  });

  it('refuses what is not a Bundle', () => {
    expect(() => clinicianRowsFromFhirBundle({ resourceType: 'Practitioner' })).toThrow(/Bundle/);
    expect(() => clinicianRowsFromFhirBundle({ resourceType: 'Bundle', entry: {} })).toThrow(/entry array/);
  });
});

/** The directory extract as hospitals send it: one practitioner and one role, referenced in each way FHIR allows. */
describe('clinicianRowsFromFhirBundle: references and Bundle types', () => {
  const NPI = 'http://hl7.org/fhir/sid/us-npi';
  const practitioner = (id?: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Practitioner', ...(id ? { id } : {}), identifier: [{ system: NPI, value: '1234567893' }], name: [{ text: 'Dr. Ref' }], ...extra,
  });
  const role = (practitionerReference: Record<string, unknown>, code = 'nurse', extra: Record<string, unknown> = {}) => ({
    resourceType: 'PractitionerRole', practitioner: practitionerReference, code: [{ text: code }], location: [{ display: 'North' }], ...extra,
  });
  const bundleOf = (type: string | undefined, ...entry: unknown[]) => ({ resourceType: 'Bundle', ...(type ? { type } : {}), entry });
  const professionOf = (rows: SourceRow[]) => rows.filter((row) => row.clinician).map((row) => row.clinician!.profession);

  /** [name, practitioner entry, reference the role uses] */
  const VARIANTS: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['fullUrl urn:uuid', { fullUrl: 'urn:uuid:7f1c8f0e-2a3b-4c5d-8e9f-0a1b2c3d4e5f', resource: practitioner() }, { reference: 'urn:uuid:7f1c8f0e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }],
    ['fullUrl urn:oid', { fullUrl: 'urn:oid:1.2.3.4.5', resource: practitioner() }, { reference: 'urn:oid:1.2.3.4.5' }],
    ['fullUrl absolute URL', { fullUrl: 'https://ehr.example.org/fhir/Practitioner/42', resource: practitioner('42') }, { reference: 'https://ehr.example.org/fhir/Practitioner/42' }],
    ['relative, matched by resource.id', { resource: practitioner('p-7') }, { reference: 'Practitioner/p-7' }],
    ['relative, matched by the fullUrl tail', { fullUrl: 'https://ehr.example.org/fhir/Practitioner/p-8', resource: practitioner() }, { reference: 'Practitioner/p-8' }],
    ['absolute URL against resource.id', { fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', resource: practitioner('p-9') }, { reference: 'https://other.example.org/fhir/Practitioner/p-9' }],
    ['relative with _history', { resource: practitioner('p-10') }, { reference: 'Practitioner/p-10/_history/3' }],
    ['absolute with _history', { fullUrl: 'https://ehr.example.org/fhir/Practitioner/p-11', resource: practitioner('p-11') }, { reference: 'https://ehr.example.org/fhir/Practitioner/p-11/_history/1' }],
    ['conditional reference (transaction)', { fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000002', resource: practitioner() }, { reference: `Practitioner?identifier=${encodeURIComponent(NPI)}|1234567893` }],
    ['logical reference by identifier', { resource: practitioner() }, { identifier: { system: NPI, value: '1234567893' } }],
    ['logical reference by the NPI OID', { resource: practitioner() }, { identifier: { system: 'urn:oid:2.16.840.1.113883.4.6', value: '1234567893' } }],
  ];

  it.each(VARIANTS)('resolves a role\'s practitioner by %s, whichever entry comes first', (_name, entry, reference) => {
    for (const order of ['practitioner first', 'role first']) {
      const entries = order === 'practitioner first' ? [entry, { resource: role(reference) }] : [{ resource: role(reference) }, entry];
      const rows = clinicianRowsFromFhirBundle(bundleOf('transaction', ...entries));
      expect({ order, rows }).toEqual({ order, rows: [{ row: order === 'practitioner first' ? 1 : 2, clinician: expect.objectContaining({ profession: 'nurse', facility: 'North', identifiers: [{ system: NPI, value: '1234567893' }] }) }] });
    }
  });

  it('reports, on the role\'s own row, a reference that matches no Practitioner, naming it; the practitioner still imports', () => {
    const rows = clinicianRowsFromFhirBundle(bundleOf('batch',
      { fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000000', resource: practitioner() },
      { resource: role({ reference: 'urn:uuid:bbbbbbbb-0000-4000-8000-000000000000' }) },
      { resource: role({ reference: 'Practitioner/missing' }) },
      { resource: role({ display: 'Dr. Nobody' }) },
    ));
    expect(rows).toEqual([
      { row: 1, clinician: expect.objectContaining({ profession: null }), warnings: [expect.objectContaining({ field: 'profession' })] },
      { row: 2, field: 'practitioner.reference', error: 'PractitionerRole.practitioner "urn:uuid:bbbbbbbb-0000-4000-8000-000000000000" matches no Practitioner in the Bundle' },
      { row: 3, field: 'practitioner.reference', error: 'PractitionerRole.practitioner "Practitioner/missing" matches no Practitioner in the Bundle' },
      { row: 4, field: 'practitioner', error: 'PractitionerRole.practitioner names no Practitioner' },
    ]);
  });

  it('accepts collection, searchset, transaction, batch and their responses (and a Bundle without a type); refuses other types', () => {
    const entries = [{ fullUrl: 'urn:uuid:cccccccc-0000-4000-8000-000000000000', resource: practitioner() }, { resource: role({ reference: 'urn:uuid:cccccccc-0000-4000-8000-000000000000' }) }];
    for (const type of ['collection', 'searchset', 'transaction', 'batch', 'transaction-response', 'batch-response', undefined]) {
      expect({ type, professions: professionOf(clinicianRowsFromFhirBundle(bundleOf(type, ...entries))) }).toEqual({ type, professions: ['nurse'] });
    }
    for (const type of ['document', 'message', 'history', 'subscription-notification', 'nonsense']) {
      expect(() => clinicianRowsFromFhirBundle(bundleOf(type, ...entries))).toThrow(/^Bundle\.type must be one of collection, searchset, transaction, batch/);
    }
    // A response Bundle's entries without a resource, and a transaction's DELETE, are skipped.
    expect(clinicianRowsFromFhirBundle(bundleOf('transaction-response', { response: { status: '201 Created' } }, { request: { method: 'DELETE', url: 'Practitioner/1' } }))).toEqual([]);
  });

  it('of several roles for one practitioner, the first active one with a code gives profession, department and facility', () => {
    const entries = [
      { resource: role({ reference: 'Practitioner/multi' }, 'pharmacist', { active: false, location: [{ display: 'Old' }] }) },
      { resource: role({ reference: 'Practitioner/multi' }, '', { code: undefined, location: [{ display: 'No code' }] }) },
      { resource: practitioner('multi') },
      { resource: role({ reference: 'Practitioner/multi' }, 'physician', { location: [{ display: 'Current' }] }) },
      { resource: role({ reference: 'Practitioner/multi' }, 'nurse', { location: [{ display: 'Later' }] }) },
    ];
    expect(clinicianRowsFromFhirBundle(bundleOf('collection', ...entries))).toEqual([{ row: 3, clinician: expect.objectContaining({ profession: 'physician', facility: 'Current' }) }]);
    // Only inactive roles: the first of them still says what the clinician's profession is.
    expect(professionOf(clinicianRowsFromFhirBundle(bundleOf('collection', entries[0], entries[2])))).toEqual(['pharmacist']);
  });

  it('without a role, takes the profession from Practitioner.qualification: a well-known code first, else the first text', () => {
    const v20360 = 'http://terminology.hl7.org/CodeSystem/v2-0360';
    const qualified = (...qualification: unknown[]) => professionOf(clinicianRowsFromFhirBundle(bundleOf('collection', { resource: practitioner('q', { qualification }) })));
    expect(qualified({ code: { coding: [{ system: v20360, code: 'MD', display: 'Doctor of Medicine' }] } })).toEqual(['physician']);
    expect(qualified({ code: { coding: [{ system: v20360, code: 'RN' }] } })).toEqual(['nurse']);
    expect(qualified({ code: { coding: [{ system: v20360, code: 'NP' }] } })).toEqual(['nurse-practitioner']);
    expect(qualified({ code: { text: 'Board certified in anesthesia' } }, { code: { coding: [{ system: v20360, code: 'PharmD' }] } })).toEqual(['pharmacist']);
    // Unknown codes read as role codes are: text, else display, else code, lower-cased.
    expect(qualified({ code: { coding: [{ system: 'urn:local', code: 'RESP-TH', display: 'Therapist' }] } })).toEqual(['therapist']);
    expect(qualified({ code: { text: '  Midwife ' } })).toEqual(['midwife']);
    expect(qualified({ issuer: { display: 'Board' } })).toEqual([null]);
    // A role's code wins over a qualification, and well-known role codes map too.
    const rows = clinicianRowsFromFhirBundle(bundleOf('collection', { resource: practitioner('r', { qualification: [{ code: { coding: [{ system: v20360, code: 'RN' }] } }] }) },
      { resource: role({ reference: 'Practitioner/r' }, '', { code: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: 'doctor', display: 'Doctor' }] }] }) }));
    expect(professionOf(rows)).toEqual(['physician']);
  });

  it('keeps identifiers as given, an NPI under its OID included (lookups match either spelling)', () => {
    const rows = clinicianRowsFromFhirBundle(bundleOf('collection', { resource: practitioner('o', { identifier: [{ system: 'urn:oid:2.16.840.1.113883.4.6', value: '1234567893' }, { system: 'urn:emp', value: 'E-1' }] }) }));
    expect(rows[0].clinician!.identifiers).toEqual([{ system: 'urn:oid:2.16.840.1.113883.4.6', value: '1234567893' }, { system: 'urn:emp', value: 'E-1' }]);
  });

  it('never throws on a malformed entry: entries, resources and references of the wrong shape are skipped or reported', () => {
    const rows = clinicianRowsFromFhirBundle(bundleOf('collection', null, 7, { resource: 'x' }, { resource: { resourceType: 'PractitionerRole', practitioner: 'Practitioner/1' } },
      { resource: { resourceType: 'Practitioner', identifier: 'nope', telecom: 'x', communication: 5, qualification: {} } }));
    expect(rows).toEqual([
      { row: 4, field: 'practitioner', error: 'PractitionerRole.practitioner names no Practitioner' },
      { row: 5, clinician: expect.objectContaining({ identifiers: [], profession: null }), warnings: [expect.objectContaining({ field: 'profession' })] },
    ]);
  });
});
