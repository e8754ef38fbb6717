import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { jsonOf, NPI, post } from './intake-helpers';

// Intake and matching only: keep the other services' modules (edited concurrently by others) out of this file's load.
jest.mock('../../apps/notification/src/notification.module', () => ({ NotificationModule: {} }));
jest.mock('../../apps/reporting/src/reporting.module', () => ({ ReportingModule: {} }));

const NPI_OID = 'urn:oid:2.16.840.1.113883.4.6';

/**
 * Inputs as hospitals send them, end to end through intake and matching on real Kafka and Postgres: the
 * directory comes from a transaction Bundle whose roles reference their practitioners by `urn:uuid` fullUrl,
 * and a staff-assault AdverseEvent names the assaulted clinician only by an NPI on an untyped subject. The
 * case opens for the directory's clinician; an NPI the directory does not know opens an unresolved case
 * holding that NPI for program staff.
 */
describe('FHIR inputs: an NPI-only assault subject reaches the clinician imported from a urn:uuid Bundle', () => {
  let harbor: HarborHarness;
  const known = `1${String(Date.now()).slice(-9)}`;
  const unknown = `2${String(Date.now()).slice(-9)}`;
  const viaOid = `3${String(Date.now()).slice(-9)}`;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake', 'matching'] });
    const entry = (value: string, system: string, profession: string) => {
      const fullUrl = `urn:uuid:${randomUUID()}`;
      return [
        { fullUrl: `urn:uuid:${randomUUID()}`, resource: { resourceType: 'PractitionerRole', practitioner: { reference: fullUrl }, code: [{ coding: [{ code: profession }] }] }, request: { method: 'POST', url: 'PractitionerRole' } },
        { fullUrl, resource: { resourceType: 'Practitioner', identifier: [{ system, value }], name: [{ text: `Dr ${value}` }] }, request: { method: 'POST', url: 'Practitioner' } },
      ];
    };
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [...entry(known, NPI, 'nurse'), ...entry(viaOid, NPI, 'physician')] };
    const response = await harbor.request('matching', '/v1/directory/clinicians/import', {
      method: 'POST', role: Role.ProgramAdmin, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle),
    });
    expect({ status: response.status, body: await jsonOf(response) }).toEqual({ status: 200, body: { created: 2, updated: 0, failed: [] } });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  const assault = (subject: Record<string, unknown>) => ({
    resourceType: 'AdverseEvent', identifier: [{ system: 'urn:ehr:ae', value: randomUUID() }], actuality: 'actual', date: '2026-11-24T03:00:00Z',
    category: [{ coding: [{ code: 'assault' }] }], seriousness: { coding: [{ code: 'serious' }] }, location: { reference: 'Location/general' }, subject,
  });
  const caseFor = (value: string) => waitFor(async () => {
    const { rows } = await harbor.db.query(
      `SELECT "clinician_id", "identifier_system", "identifier_value", "status", "category" FROM "matching"."cases" WHERE "identifier_value" = $1`, [value],
    );
    return rows[0] as { clinician_id: string | null; identifier_system: string; identifier_value: string; status: string; category: string } | undefined;
  }, `matching's case for ${value}`);
  const clinicianIdOf = async (value: string) => {
    const { rows } = await harbor.db.query(`SELECT "clinician_id" FROM "matching"."clinician_identifiers" WHERE "value" = $1`, [value]);
    return rows[0]?.clinician_id as string | undefined;
  };

  it('opens the case for the known clinician, with the profession the Bundle gave', async () => {
    expect((await post(harbor, '/fhir/AdverseEvent', assault({ identifier: { system: NPI, value: known } }), { contentType: 'application/fhir+json' })).status).toBe(202);
    const kase = await caseFor(known);
    expect(kase).toMatchObject({ clinician_id: await clinicianIdOf(known), identifier_system: NPI, category: 'staff-assault' });
    expect(kase.status).not.toBe('unresolved');
    const { rows } = await harbor.db.query(`SELECT "profession" FROM "matching"."clinicians" WHERE "id" = $1`, [kase.clinician_id]);
    expect(rows).toEqual([{ profession: 'nurse' }]);
  });

  it('finds the clinician when the event spells the NPI system as its OID', async () => {
    expect((await post(harbor, '/fhir/AdverseEvent', assault({ identifier: { system: NPI_OID, value: viaOid } }), { contentType: 'application/fhir+json' })).status).toBe(202);
    expect(await caseFor(viaOid)).toMatchObject({ clinician_id: await clinicianIdOf(viaOid), identifier_system: NPI_OID });
  });

  it('an NPI the directory does not know opens an unresolved case that holds the NPI for staff', async () => {
    expect((await post(harbor, '/fhir/AdverseEvent', assault({ identifier: { system: NPI, value: unknown } }), { contentType: 'application/fhir+json' })).status).toBe(202);
    const kase = await waitFor(async () => {
      const found = await caseFor(unknown);
      return found.status === 'unresolved' ? found : undefined;
    }, 'the unresolved case');
    expect(kase).toEqual({ clinician_id: null, identifier_system: NPI, identifier_value: unknown, status: 'unresolved', category: 'staff-assault' });
    // Intake opened no "no-clinician-named" triage item for it: the NPI named the clinician.
    const { rows } = await harbor.db.query(
      `SELECT ti."reason" FROM "intake"."triage_items" ti JOIN "intake"."trigger_clinicians" tc ON tc."trigger_id" = ti."trigger_id" WHERE tc."identifier_value" = $1`, [unknown],
    );
    expect(rows).toEqual([]);
  });
});
