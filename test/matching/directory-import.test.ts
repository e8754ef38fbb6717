import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';

// Only matching runs here: keep the other services' modules (edited concurrently by others) out of this file's load.
jest.mock('../../apps/intake/src/intake.module', () => ({ IntakeModule: {} }));
jest.mock('../../apps/notification/src/notification.module', () => ({ NotificationModule: {} }));
jest.mock('../../apps/reporting/src/reporting.module', () => ({ ReportingModule: {} }));

const HEADER = 'identifiers,displayName,profession,department,facility,phone,email,languages,optedOut';

/** Row i of a generated directory: two identifiers, contact details, every 10th speaks Spanish, every 97th opted out. */
function csvRow(run: string, i: number): string {
  return [
    `"urn:${run}:npi|${1_000_000_000 + i};urn:${run}:employee|E-${i}"`, `Clinician ${i}`, i % 2 ? 'nurse' : 'physician', 'icu', 'main',
    `+1555${String(i).padStart(7, '0')}`, `c${i}@example.org`, i % 10 === 0 ? 'en;es' : 'en', i % 97 === 0 ? 'true' : 'false',
  ].join(',');
}

function directoryCsv(run: string, rows: number, replace: Record<number, string> = {}): string {
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) lines.push(replace[i] ?? csvRow(run, i));
  return `${lines.join('\n')}\n`;
}

/**
 * The directory import at the size of a hospital's extract, through matching's HTTP API on a real Postgres:
 * 50,000 rows land, a re-import changes nothing but the values, a bad row deep in a large file is named by
 * number and field while the others land, and a file refused as a whole writes nothing.
 */
describe('matching: directory import of a large CSV', () => {
  let harbor: HarborHarness;
  let token: string;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['matching'] });
    token = await harbor.token(Role.ProgramAdmin);
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  const post = async (body: string, query = '') => {
    const response = await fetch(`${harbor.urls.matching}/v1/directory/clinicians/import${query}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body,
    });
    return { status: response.status, body: (await response.json()) as { errors?: unknown[] } & Record<string, unknown> };
  };
  const countOf = async (run: string) => {
    const { rows: [counts] } = await harbor.db.query(
      `SELECT count(DISTINCT i."clinician_id")::int AS clinicians, count(*)::int AS identifiers
       FROM "matching"."clinician_identifiers" i WHERE i."system" LIKE $1`, [`urn:${run}:%`],
    );
    return counts as { clinicians: number; identifiers: number };
  };

  it('imports 50,000 rows, and importing the same file again updates them without duplicating any', async () => {
    const csv = directoryCsv('big', 50_000);
    expect(await post(csv)).toEqual({ status: 200, body: { created: 50_000, updated: 0, failed: [] } });
    expect(await countOf('big')).toEqual({ clinicians: 50_000, identifiers: 100_000 });
    const { rows: [sample] } = await harbor.db.query(
      `SELECT c.* FROM "matching"."clinicians" c JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id"
       WHERE i."system" = 'urn:big:employee' AND i."value" = 'E-38810'`,
    );
    expect(sample).toMatchObject({
      display_name: 'Clinician 38810', profession: 'physician', department: 'icu', facility: 'main', phone: '+15550038810',
      email: 'c38810@example.org', languages: ['en', 'es'], opted_out: false,
    });
    // Both identifiers of a row point at the same clinician.
    const { rows: [{ split }] } = await harbor.db.query(
      `SELECT count(*)::int AS split FROM "matching"."clinician_identifiers" a JOIN "matching"."clinician_identifiers" b
         ON b."system" = 'urn:big:employee' AND b."value" = 'E-' || (a."value"::bigint - 1000000000)
       WHERE a."system" = 'urn:big:npi' AND a."clinician_id" <> b."clinician_id"`,
    );
    expect(split).toBe(0);

    // Idempotent: the same file again is 50,000 updates of the same clinicians.
    const changed = csv.replace(csvRow('big', 4242), csvRow('big', 4242).replace('Clinician 4242', 'Clinician Renamed'));
    expect(await post(changed)).toEqual({ status: 200, body: { created: 0, updated: 50_000, failed: [] } });
    expect(await countOf('big')).toEqual({ clinicians: 50_000, identifiers: 100_000 });
    const { rows: [renamed] } = await harbor.db.query(
      `SELECT c."display_name" FROM "matching"."clinicians" c JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id"
       WHERE i."system" = 'urn:big:npi' AND i."value" = '1000004242'`,
    );
    expect(renamed.display_name).toBe('Clinician Renamed');
  }, 300_000);

  it('names each bad row of a large file by number and field, never its values, and imports the rest', async () => {
    // Rows are written in batches of 10,000: rows 15,000 and 20,000 meet clinicians written by the first batch.
    const csv = directoryCsv('bad', 20_000, {
      12_345: csvRow('bad', 12_345).replace('+15550012345', '555-SECRET'),
      // Row 15,000 names only row 3's employee number: an update of that clinician.
      15_000: `"urn:bad:employee|E-3",Moved,nurse,icu,main,,,,false`,
      19_999: csvRow('bad', 19_999).replace(',nurse,', ',,'),
      // Row 20,000 names row 1's employee number and row 2's NPI: the identifiers belong to different clinicians.
      20_000: `"urn:bad:employee|E-1;urn:bad:npi|1000000002",Clash,nurse,icu,main,,,,false`,
    });
    const response = await post(csv);
    expect(response).toEqual({
      status: 200,
      body: {
        created: 19_996, updated: 1,
        failed: [
          { row: 12_345, errors: [{ field: 'phone', message: expect.stringMatching(/E\.164/) }] },
          { row: 19_999, errors: [expect.objectContaining({ field: 'profession' })] },
          { row: 20_000, errors: [{ field: 'identifiers', message: 'the identifiers belong to different clinicians' }] },
        ],
      },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/SECRET|Clash/);
    expect(await countOf('bad')).toEqual({ clinicians: 19_996, identifiers: 39_992 });
    const { rows: [moved] } = await harbor.db.query(
      `SELECT c."display_name", c."phone" FROM "matching"."clinicians" c JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id"
       WHERE i."system" = 'urn:bad:npi' AND i."value" = '1000000003'`,
    );
    expect(moved).toEqual({ display_name: 'Moved', phone: null });
  }, 300_000);

  it('applies rows in file order: a later row naming an earlier row\'s identifier updates that clinician', async () => {
    const csv = `${HEADER}\n"urn:order:e|1",First,nurse,,,,,,false\n"urn:order:e|1;urn:order:e|2",Second,nurse,,,,,es,false\n"urn:order:e|2",Third,physician,,,,,,true\n`;
    expect(await post(csv)).toEqual({ status: 200, body: { created: 1, updated: 2, failed: [] } });
    const { rows } = await harbor.db.query(
      `SELECT DISTINCT c."display_name", c."profession", c."languages", c."opted_out" FROM "matching"."clinicians" c
       JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id" WHERE i."system" = 'urn:order:e'`,
    );
    expect(rows).toEqual([{ display_name: 'Third', profession: 'physician', languages: [], opted_out: true }]);
  });

  it('reports row by row, when asked, what each row did to which clinician', async () => {
    const csv = `${HEADER}
"urn:rows:e|1",First,nurse,,,,,,false
"urn:rows:e|2",Bad,,,,,,,maybe
"urn:rows:e|1;urn:rows:e|3",Again,nurse,,,,,,false
"urn:rows:e|4",Other,physician,,,,,,false
`;
    const { status, body } = await post(csv, '?rows=outcomes');
    expect(status).toBe(200);
    expect(body).toMatchObject({ created: 2, updated: 1, failed: [{ row: 2, errors: expect.any(Array) }] });
    const imported = body.imported as { row: number; outcome: string; clinicianId: string }[];
    expect(imported.map(({ row, outcome }) => [row, outcome])).toEqual([[1, 'created'], [3, 'updated'], [4, 'created']]);
    expect(imported[1].clinicianId).toBe(imported[0].clinicianId);
    const { rows } = await harbor.db.query(`SELECT DISTINCT "clinician_id" AS id FROM "matching"."clinician_identifiers" WHERE "system" = 'urn:rows:e' AND "value" = '4'`);
    expect(rows).toEqual([{ id: imported[2].clinicianId }]);
    // Without the parameter the answer stays as it was; an unknown value is named.
    expect((await post(`${HEADER}
"urn:rows:e|5",Plain,nurse,,,,,,false
`)).body).toEqual({ created: 1, updated: 0, failed: [] });
    const wrong = await post(csv, '?rows=all');
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'rows', message: expect.stringContaining('outcomes') }]);
  });

  it('refuses a row holding a NUL character on its field instead of failing the whole import', async () => {
    const csv = `${HEADER}\n"urn:nul:e|1",Before,nurse,,,,,,false\n"urn:nul:e|2",Bad\u0000Name,nurse,,,,,,false\n"urn:nul:e|3",After,nurse,,,,,,false\n`;
    expect(await post(csv)).toEqual({ status: 200, body: { created: 2, updated: 0, failed: [{ row: 2, errors: [{ field: 'displayName', message: 'must not contain NUL characters' }] }] } });
    expect(await countOf('nul')).toEqual({ clinicians: 2, identifiers: 2 });
  });

  it('writes nothing from a file refused as a whole, naming the line where it breaks', async () => {
    // The break comes after two batches of 10,000 rows have been written: they are rolled back.
    const csv = directoryCsv('refused', 30_000, { 29_000: `"urn:refused:e|x",Unclosed "quote,nurse,,,,,,false` });
    const response = await post(csv);
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'body', message: expect.stringMatching(/^malformed CSV at line 29001\b/) }]);
    expect(JSON.stringify(response.body)).not.toMatch(/Unclosed/);
    expect(await countOf('refused')).toEqual({ clinicians: 0, identifiers: 0 });
  }, 300_000);

  describe('FHIR Bundles as hospitals send them', () => {
    const NPI = 'http://hl7.org/fhir/sid/us-npi';
    const postBundle = async (bundle: unknown) => {
      const response = await fetch(`${harbor.urls.matching}/v1/directory/clinicians/import`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const directoryRow = async (system: string, value: string) => {
      const { rows } = await harbor.db.query(
        `SELECT c."display_name", c."profession", c."facility" FROM "matching"."clinicians" c
         JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id" WHERE i."system" = $1 AND i."value" = $2`, [system, value],
      );
      return rows[0] as { display_name: string; profession: string | null; facility: string | null } | undefined;
    };
    const practitioner = (fullUrl: string, value: string, extra: Record<string, unknown> = {}) => ({
      fullUrl, resource: { resourceType: 'Practitioner', identifier: [{ system: NPI, value }, { system: 'urn:fhir:employee', value: `E-${value}` }], name: [{ given: ['Dr'], family: value }], ...extra },
      request: { method: 'POST', url: 'Practitioner' },
    });
    const role = (reference: string, code: string, facility: string) => ({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: { resourceType: 'PractitionerRole', practitioner: { reference }, code: [{ coding: [{ code, display: code }] }], location: [{ display: facility }] },
      request: { method: 'POST', url: 'PractitionerRole' },
    });

    it('a transaction Bundle referencing by urn:uuid fullUrl creates every clinician with its profession, role before or after its practitioner', async () => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const npi = (uuid: string) => `9${uuid.replace(/\D/g, '').slice(0, 9)}`;
      const bundle = {
        resourceType: 'Bundle', type: 'transaction',
        entry: [
          role(`urn:uuid:${b}`, 'nurse', 'North'),
          practitioner(`urn:uuid:${a}`, npi(a)),
          practitioner(`urn:uuid:${b}`, npi(b)),
          role(`urn:uuid:${a}`, 'physician', 'Main'),
          practitioner(`https://ehr.example.org/fhir/Practitioner/${c}`, npi(c)),
          role(`Practitioner/${c}/_history/2`, 'pharmacist', 'East'),
        ],
      };
      expect(await postBundle(bundle)).toEqual({ status: 200, body: { created: 3, updated: 0, failed: [] } });
      expect(await directoryRow(NPI, npi(a))).toEqual({ display_name: `Dr ${npi(a)}`, profession: 'physician', facility: 'Main' });
      expect(await directoryRow(NPI, npi(b))).toMatchObject({ profession: 'nurse', facility: 'North' });
      expect(await directoryRow('urn:fhir:employee', `E-${npi(c)}`)).toMatchObject({ profession: 'pharmacist', facility: 'East' });
      // The same Bundle as a batch, a searchset or a collection: the same clinicians, updated.
      for (const type of ['batch', 'searchset', 'collection']) {
        expect(await postBundle({ ...bundle, type })).toEqual({ status: 200, body: { created: 0, updated: 3, failed: [] } });
      }
    });

    it('names, row by row, a reference that resolves to nothing; a practitioner without role takes its qualification, else imports with profession unknown', async () => {
      const [known, qualified, bare] = ['8000000001', '8000000002', '8000000003'].map((value) => `${value}${Date.now() % 1000}`);
      const missing = `urn:uuid:${randomUUID()}`;
      const bundle = {
        resourceType: 'Bundle', type: 'batch',
        entry: [
          practitioner(`urn:uuid:${randomUUID()}`, known),
          role(missing, 'nurse', 'North'),
          practitioner(`urn:uuid:${randomUUID()}`, qualified, { qualification: [{ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'RN' }] } }] }),
          practitioner(`urn:uuid:${randomUUID()}`, bare),
        ],
      };
      const response = await postBundle(bundle);
      expect(response).toEqual({
        status: 200,
        body: {
          created: 3, updated: 0,
          failed: [{ row: 2, errors: [{ field: 'practitioner.reference', message: `PractitionerRole.practitioner "${missing}" matches no Practitioner in the Bundle` }] }],
          warnings: [
            { row: 1, warnings: [{ field: 'profession', message: expect.stringMatching(/^unknown/) }] },
            { row: 4, warnings: [{ field: 'profession', message: expect.stringMatching(/^unknown/) }] },
          ],
        },
      });
      expect(await directoryRow(NPI, qualified)).toMatchObject({ profession: 'nurse' });
      expect(await directoryRow(NPI, bare)).toMatchObject({ profession: null });
      // A later extract that knows the profession fills it in; one that does not never erases it.
      const withRole = { resourceType: 'Bundle', type: 'collection', entry: [practitioner('urn:uuid:1f0c5f06-0000-4000-8000-000000000001', bare), role('urn:uuid:1f0c5f06-0000-4000-8000-000000000001', 'midwife', 'South')] };
      expect(await postBundle(withRole)).toEqual({ status: 200, body: { created: 0, updated: 1, failed: [] } });
      expect(await postBundle({ ...withRole, entry: [withRole.entry[0]] })).toMatchObject({ status: 200, body: { updated: 1, warnings: [{ row: 1, warnings: [expect.objectContaining({ field: 'profession' })] }] } });
      expect(await directoryRow(NPI, bare)).toMatchObject({ profession: 'midwife' });
    });

    it('refuses a Bundle that is not a directory extract as a whole, naming its type', async () => {
      const response = await postBundle({ resourceType: 'Bundle', type: 'history', entry: [practitioner(`urn:uuid:${randomUUID()}`, '8999999999')] });
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([{ field: 'body', message: expect.stringMatching(/^Bundle\.type must be one of collection, searchset, transaction, batch/) }]);
      expect(await directoryRow(NPI, '8999999999')).toBeUndefined();
    });
  });

  it('answers a body over the size limit with 413 instead of dropping the connection, declared or not', async () => {
    // 21 MB, over the 20 MB limit: a header and then blank lines (skipped), so reading up to the limit is quick.
    // node:http so the answer is read even though the upload is cut short. Once with its Content-Length (refused
    // before reading), once chunked (counted as it arrives).
    const body = `${HEADER}\n${csvRow('huge', 1)}\n${'\n'.repeat(21 * 1024 * 1024)}`;
    const send = (declared: boolean) => new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': 'text/csv' };
      if (declared) headers['content-length'] = Buffer.byteLength(body);
      const request = httpRequest(`${harbor.urls.matching}/v1/directory/clinicians/import`, { method: 'POST', headers }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      // Chunked: the body goes out in 1 MB pieces, as a client streaming a file would send it.
      if (declared) request.end(body);
      else {
        for (let at = 0; at < body.length; at += 1024 * 1024) request.write(body.slice(at, at + 1024 * 1024));
        request.end();
      }
    });
    for (const declared of [true, false]) {
      const answer = await send(declared);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text).errors).toEqual([{ field: 'body', message: `larger than ${20 * 1024 * 1024} bytes` }]);
    }
    expect(await countOf('huge')).toEqual({ clinicians: 0, identifiers: 0 });
  }, 300_000);
});
