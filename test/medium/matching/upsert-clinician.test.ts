import { ConflictException } from '@nestjs/common';
import { UpsertClinician } from '../../../apps/matching/src/directory/upsert-clinician.usecase';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const NPI = 'http://hl7.org/fhir/sid/us-npi';
const STAFF = 'urn:example:staff-id';

/** The directory's keying rules, on a real matching schema without Kafka: one person, however they are named. */
describe('UpsertClinician (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let upsert: UpsertClinician;

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    upsert = new UpsertClinician(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  const clinician = (identifiers: Array<{ system: string; value: string }>, displayName = 'Dr Rivera') => ({
    identifiers, displayName, profession: 'physician', department: 'icu', facility: 'north',
  });

  async function identifiersOf(id: string): Promise<string[]> {
    const rows: { system: string; value: string }[] = await database.dataSource.query(
      `SELECT "system", "value" FROM "matching"."clinician_identifiers" WHERE "clinician_id" = $1 ORDER BY "system", "value"`, [id],
    );
    return rows.map((row) => `${row.system}|${row.value}`);
  }

  it('creates an entry, then finds the same person by any identifier and adds the new ones', async () => {
    const first = await upsert.execute(clinician([{ system: NPI, value: '1000000001' }]));
    expect(first.created).toBe(true);

    const again = await upsert.execute(clinician([{ system: NPI, value: '1000000001' }, { system: STAFF, value: 'e-77' }], 'Dr A. Rivera'));
    expect(again).toEqual({ id: first.id, created: false });

    const byStaffId = await upsert.execute(clinician([{ system: STAFF, value: 'e-77' }], 'Dr Alex Rivera'));
    expect(byStaffId).toEqual({ id: first.id, created: false });
    expect(await identifiersOf(first.id)).toEqual([`${NPI}|1000000001`, `${STAFF}|e-77`]);
    const [row] = await database.dataSource.query(`SELECT "display_name" FROM "matching"."clinicians" WHERE "id" = $1`, [first.id]);
    expect(row.display_name).toBe('Dr Alex Rivera');
  });

  it('refuses identifiers that belong to two different people, and changes nothing', async () => {
    const one = await upsert.execute(clinician([{ system: NPI, value: '1000000002' }], 'Dr One'));
    const two = await upsert.execute(clinician([{ system: NPI, value: '1000000003' }], 'Dr Two'));

    await expect(
      upsert.execute(clinician([{ system: NPI, value: '1000000002' }, { system: NPI, value: '1000000003' }, { system: STAFF, value: 'merge-me' }], 'Dr Merged')),
    ).rejects.toBeInstanceOf(ConflictException);

    expect(await identifiersOf(one.id)).toEqual([`${NPI}|1000000002`]);
    expect(await identifiersOf(two.id)).toEqual([`${NPI}|1000000003`]);
    const names = await database.dataSource.query(`SELECT "display_name" FROM "matching"."clinicians" WHERE "id" = ANY($1) ORDER BY "display_name"`, [[one.id, two.id]]);
    expect(names.map((row: { display_name: string }) => row.display_name)).toEqual(['Dr One', 'Dr Two']);
  });
});
