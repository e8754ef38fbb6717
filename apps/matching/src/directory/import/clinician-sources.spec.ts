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

  it('keeps a Practitioner without a role (validation then rejects the missing profession) and ignores other resources', () => {
    const rows = clinicianRowsFromFhirBundle(bundle);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ row: 4, clinician: { displayName: 'No Role', profession: '' } });
  });

  it('refuses what is not a Bundle', () => {
    expect(() => clinicianRowsFromFhirBundle({ resourceType: 'Practitioner' })).toThrow(/Bundle/);
  });
});
