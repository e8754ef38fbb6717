import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { readTopic, waitFor } from '../support/infrastructure';
import { freshId, nativeIncident, NPI, post, publish, REF_SYSTEM, waitForClinician } from './intake-helpers';

/**
 * Minimum necessary, proved: canary strings in every free-text and patient field, sent through Kafka and
 * HTTP, reach no intake table, no topic intake writes and no log line.
 */
describe('intake keeps no narrative and no patient data', () => {
  const TOKEN = `QZCANARY${process.pid}`;
  const canary = (field: string) => `${TOKEN}-${field}`;
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'], serviceEnv: { intake: { INTAKE_INCLUDE_RECORDERS: 'true' } } });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  function patientResources() {
    return [
      {
        resourceType: 'Patient',
        id: 'pat',
        identifier: [{ system: 'urn:mrn', value: canary('contained-mrn') }],
        name: [{ family: canary('contained-family'), given: [canary('contained-given')] }],
        telecom: [{ system: 'phone', value: canary('contained-phone') }],
        birthDate: '1950-01-01',
      },
      { resourceType: 'Practitioner', id: 'doc', identifier: [{ system: NPI, value: freshId('contained-doc') }], name: [{ text: canary('practitioner-name') }] },
    ];
  }

  function fhirR4(clinician: string) {
    return {
      resourceType: 'AdverseEvent',
      id: freshId('r4'),
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${canary('narrative')}</div>` },
      contained: patientResources(),
      actuality: 'actual',
      category: [{ coding: [{ code: 'wrong-dose', display: canary('category-display') }], text: canary('category-text') }],
      event: { coding: [{ code: '1', display: canary('event-display') }], text: canary('event-text') },
      subject: { reference: '#pat', display: canary('subject-display'), identifier: { system: 'urn:mrn', value: canary('subject-mrn') } },
      encounter: { display: canary('encounter') },
      date: '2026-11-26T01:00:00Z',
      location: { display: canary('location-display') },
      severity: { coding: [{ code: 'severe' }], text: canary('severity-text') },
      outcome: { text: canary('outcome-text') },
      recorder: { reference: '#doc', display: canary('recorder-display') },
      contributor: [{ identifier: { system: NPI, value: clinician }, display: canary('contributor-display') }],
      suspectEntity: [{ instance: { display: canary('suspect') } }],
      subjectMedicalHistory: [{ display: canary('history') }],
      note: [{ text: canary('note') }],
    };
  }

  /** The R4 event again as FHIR XML, canaries in the narrative, the contained patient, texts and displays (R4 has no note). */
  function fhirR4Xml(clinician: string) {
    return `<?xml version="1.0" encoding="UTF-8"?>
<AdverseEvent xmlns="http://hl7.org/fhir">
  <id value="${freshId('xml')}"/>
  <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>${canary('xml-narrative')}</p></div></text>
  <contained><Patient><id value="pat"/><identifier><system value="urn:mrn"/><value value="${canary('xml-mrn')}"/></identifier><name><family value="${canary('xml-family')}"/></name></Patient></contained>
  <actuality value="actual"/>
  <category><coding><code value="wrong-dose"/><display value="${canary('xml-category-display')}"/></coding><text value="${canary('xml-category-text')}"/></category>
  <subject><reference value="#pat"/><display value="${canary('xml-subject-display')}"/></subject>
  <date value="2026-11-20T08:00:00Z"/>
  <location><display value="${canary('xml-location')}"/></location>
  <severity><coding><code value="severe"/></coding><text value="${canary('xml-severity-text')}"/></severity>
  <contributor><identifier><system value="${NPI}"/><value value="${clinician}"/></identifier><display value="${canary('xml-contributor')}"/></contributor>
</AdverseEvent>`;
  }

  function fhirR5(clinician: string) {
    return {
      resourceType: 'AdverseEvent',
      identifier: [{ system: 'urn:ae', value: freshId('r5') }],
      status: 'completed',
      actuality: 'actual',
      contained: patientResources(),
      code: { text: canary('code-text') },
      subject: { reference: 'Patient/123', display: canary('r5-subject-display') },
      occurrenceDateTime: '2026-11-26T02:00:00Z',
      participant: [{ function: { text: canary('function') }, actor: { reference: `Practitioner/${clinician}`, display: canary('actor-display') } }],
      resultingEffect: [{ display: canary('effect') }],
      mitigatingAction: [{ itemReference: { display: canary('mitigation') } }],
      note: [{ text: canary('r5-note') }],
      description: canary('description'),
    };
  }

  function incident(clinician: string) {
    return {
      ...nativeIncident([clinician]),
      narrative: canary('native-narrative'),
      description: canary('native-description'),
      patient: { name: canary('native-patient-name'), mrn: canary('native-mrn') },
      patientName: canary('native-patient-flat'),
      involvedClinicians: [{ identifier: { system: NPI, value: clinician }, role: 'prescriber', name: canary('native-clinician-name'), notes: canary('native-notes') }],
    };
  }

  function notice(clinician: string) {
    return {
      source: 'risk-mgmt',
      noticeId: freshId('CLM'),
      receivedAt: '2026-11-25T09:00:00Z',
      kind: 'lawsuit',
      namedClinicians: [{ identifier: { system: NPI, value: clinician }, name: canary('named-clinician-name') }],
      facility: 'general',
      plaintiff: canary('plaintiff'),
      allegations: canary('allegations'),
      patient: { name: canary('claim-patient') },
    };
  }

  async function tablesContaining(needle: string): Promise<Record<string, number>> {
    const { rows: tables } = await harbor.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'intake'`);
    const found: Record<string, number> = {};
    for (const { table_name: table } of tables) {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."${table}" t WHERE t::text LIKE $1`, [`%${needle}%`]);
      if (rows[0].n > 0) found[table] = rows[0].n;
    }
    return found;
  }

  it('the scan finds what is stored: a triage display text, until staff resolve it', async () => {
    const marker = `${TOKEN}-control`;
    const response = await post(harbor, '/fhir/AdverseEvent', { resourceType: 'AdverseEvent', id: freshId('control'), participant: [{ actor: { display: marker } }] }, { contentType: 'application/fhir+json' });
    expect(response.status).toBe(202);
    expect(await tablesContaining(marker)).toEqual({ triage_items: 1 });
    const { rows } = await harbor.db.query(`SELECT "id" FROM "intake"."triage_items" WHERE "display_text" = $1`, [marker]);
    expect((await harbor.request('intake', `/v1/triage/${rows[0].id}/dismiss`, { role: Role.ProgramAdmin, method: 'POST' })).status).toBe(204);
    expect(await tablesContaining(TOKEN)).toEqual({});
  });

  it('through Kafka and HTTP, canaries reach no table, no topic and no log line', async () => {
    const ids = Array.from({ length: 9 }, () => freshId('canary'));
    await publish(harbor, 'incidents.reported.v1', [
      { value: JSON.stringify(fhirR4(ids[0])) },
      { value: JSON.stringify(fhirR5(ids[1])) },
      { value: JSON.stringify(incident(ids[2])) },
      // A record that is dead-lettered: its reason must not quote the canary either.
      { value: JSON.stringify({ ...fhirR4('dead'), date: canary('bad-date') }) },
    ]);
    await publish(harbor, 'lawsuits.notified.v1', [{ value: JSON.stringify(notice(ids[3])) }]);
    const fhirJson = { contentType: 'application/fhir+json' };
    expect((await post(harbor, '/fhir/AdverseEvent', fhirR4(ids[4]), fhirJson)).status).toBe(202);
    expect((await post(harbor, '/fhir/AdverseEvent', fhirR5(ids[5]), fhirJson)).status).toBe(202);
    expect((await post(harbor, '/v1/incidents', incident(ids[6]))).status).toBe(202);
    expect((await post(harbor, '/v1/lawsuits', notice(ids[7]))).status).toBe(202);
    const refused = await post(harbor, '/v1/referrals', { referredBy: 'colleague', clinician: { system: NPI, value: 'x' }, facility: 'general', note: canary('referral-note') }, { role: Role.ProgramAdmin });
    expect(refused.status).toBe(422);
    expect(await refused.text()).not.toContain(TOKEN);
    const xml = await post(harbor, '/fhir/AdverseEvent', fhirR4Xml(ids[8]), { contentType: 'application/fhir+xml' });
    expect(xml.status).toBe(202);
    const invalidXml = await post(harbor, '/fhir/AdverseEvent', fhirR4Xml('z').replace('<severity>', `<${TOKEN}/><severity>`), { contentType: 'application/fhir+xml' });
    expect(invalidXml.status).toBe(422);
    const invalidFhir = await post(harbor, '/fhir/AdverseEvent', { ...fhirR4('y'), date: canary('http-bad-date') }, fhirJson);
    expect(invalidFhir.status).toBe(422);
    expect(await invalidFhir.text()).not.toContain(TOKEN);

    for (const [index, id] of ids.entries()) await waitForClinician(harbor, index === 1 || index === 5 ? REF_SYSTEM : NPI, id);
    const dead = await readTopic(`${harbor.topic('incidents.reported.v1')}.dlq`, 1);
    expect(dead[0].headers?.dlq_error_message?.toString()).toContain('date');
    expect(dead[0].headers?.dlq_error_message?.toString()).not.toContain(TOKEN);

    // Every request is on the topic (the contained Practitioner recorders of the R4 events add two more).
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."outbox" WHERE "sent_at" IS NOT NULL`);
      return rows[0].n >= 10;
    }, 'every support request published');
    const published = await readTopic(harbor.topic('support.requested.v1'), 10);
    for (const message of published) {
      expect(message.value?.toString()).not.toContain(TOKEN);
      expect(message.key?.toString()).not.toContain(TOKEN);
      expect(JSON.stringify(Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])))).not.toContain(TOKEN);
    }

    const { rows: tables } = await harbor.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'intake'`);
    expect(tables.map((table: { table_name: string }) => table.table_name)).toEqual(expect.arrayContaining(['triggers', 'trigger_clinicians', 'triage_items', 'opt_outs', 'outbox']));
    expect(await tablesContaining(TOKEN)).toEqual({});

    expect(harbor.logs.lines.length).toBeGreaterThan(0);
    expect(harbor.logs.containing(TOKEN)).toEqual([]);
  });
});
