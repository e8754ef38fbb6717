import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { readTopic, waitFor } from '../support/infrastructure';
import { HL7_ADVERSE_EVENT_EXAMPLES } from './fixtures/hl7-adverse-events';
import { HL7_ADVERSE_EVENT_XML } from './fixtures/hl7-adverse-events.xml';
import {
  clinicianRows, freshId, jsonOf, nativeIncident, NPI, post, publish, REF_SYSTEM, supportRequestsFor, waitForClinician,
} from './intake-helpers';

/** Every source intake reads, through real Kafka and Postgres: FHIR R4/R5, native incidents, claim notices, referrals. */
describe('intake sources', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'], serviceEnv: { intake: { INTAKE_BODY_LIMIT: '16kb', KAFKA_RETRY_ATTEMPTS: '2' } } });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  /** What intake recorded for the triggers of one source (or one clinician): decisions, requests, triage reasons. */
  async function recordedFor(source?: string, clinician?: string) {
    const { rows: clinicians } = await harbor.db.query(
      `SELECT tc."decision", tc."request_id" FROM "intake"."trigger_clinicians" tc JOIN "intake"."triggers" t ON t."id" = tc."trigger_id"
       WHERE ($1::text IS NULL OR t."source" = $1) AND ($2::text IS NULL OR tc."identifier_value" = $2) ORDER BY tc."decision"`,
      [source ?? null, clinician ?? null],
    );
    const { rows: triage } = await harbor.db.query(
      `SELECT ti."reason" FROM "intake"."triage_items" ti JOIN "intake"."triggers" t ON t."id" = ti."trigger_id" WHERE t."source" = $1 ORDER BY ti."reason"`,
      [source ?? null],
    );
    return {
      decisions: clinicians.map((row: { decision: string }) => row.decision),
      requests: clinicians.filter((row: { request_id: string | null }) => row.request_id !== null).length,
      triage: triage.map((row: { reason: string }) => row.reason),
    };
  }

  describe('FHIR AdverseEvent on incidents.reported.v1', () => {
    it('R4: contributors by identifier and by reference become support requests; the patient does not', async () => {
      const [npi, ref] = [freshId('npi'), freshId('ref')];
      const resource = {
        resourceType: 'AdverseEvent',
        id: freshId('ae'),
        actuality: 'actual',
        category: [{ coding: [{ code: 'wrong-dose' }] }],
        subject: { reference: 'Patient/p1', display: 'A Patient' },
        date: '2026-11-20T08:00:00Z',
        severity: { coding: [{ code: 'moderate' }] },
        contributor: [{ identifier: { system: NPI, value: npi } }, { reference: `Practitioner/${ref}` }, { reference: 'Device/pump' }],
      };
      await publish(harbor, 'incidents.reported.v1', [{ value: JSON.stringify(resource) }]);
      await waitForClinician(harbor, NPI, npi);
      await waitForClinician(harbor, REF_SYSTEM, ref);
      const [request] = await supportRequestsFor(harbor, npi);
      expect(request).toMatchObject({
        clinician: { system: NPI, value: npi },
        trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'moderate', occurredAt: '2026-11-20T08:00:00.000Z' },
        facility: 'unspecified',
      });
      expect(await supportRequestsFor(harbor, ref)).toHaveLength(1);
    });

    it('R5: participant actors and a Practitioner subject (staff harmed); re-sent with a new participant adds only that one', async () => {
      const [harmed, first, added] = [freshId('harmed'), freshId('p'), freshId('p')];
      const resource = {
        resourceType: 'AdverseEvent',
        identifier: [{ system: 'urn:ehr:ae', value: freshId('ae') }],
        status: 'completed',
        actuality: 'actual',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '52684005' }] },
        subject: { reference: `Practitioner/${harmed}` },
        occurrenceDateTime: '2026-11-21T22:10:00Z',
        seriousness: { coding: [{ code: 'serious' }] },
        location: { reference: 'Location/north' },
        participant: [{ actor: { reference: `Practitioner/${first}` } }],
      };
      await publish(harbor, 'incidents.reported.v1', [{ value: JSON.stringify(resource) }]);
      await waitForClinician(harbor, REF_SYSTEM, first);
      await publish(harbor, 'incidents.reported.v1', [
        { value: JSON.stringify({ ...resource, participant: [...resource.participant, { actor: { reference: `Practitioner/${added}` } }] }) },
      ]);
      await waitForClinician(harbor, REF_SYSTEM, added);
      const eventKeys = new Set<unknown>();
      for (const value of [harmed, first, added]) {
        const requests = await supportRequestsFor(harbor, value);
        expect(requests).toHaveLength(1);
        expect(requests[0]).toMatchObject({ trigger: { category: 'staff-assault', harmLevel: 'severe' }, facility: 'north' });
        eventKeys.add(requests[0].eventKey);
      }
      // One event, one opaque key for matching (never the source's own id).
      expect(eventKeys.size).toBe(1);
      expect([...eventKeys][0]).toMatch(/^[0-9a-f-]{36}$/);
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."triggers" WHERE "source_event_id" = $1`, [
        `urn:ehr:ae|${resource.identifier[0].value}`,
      ]);
      expect(rows[0].n).toBe(1);
    });

    it('a potential event (near miss) is recorded without outreach', async () => {
      const value = freshId('near');
      await publish(harbor, 'incidents.reported.v1', [
        { value: JSON.stringify({ resourceType: 'AdverseEvent', id: freshId('ae'), actuality: 'potential', contributor: [{ reference: `Practitioner/${value}` }] }) },
      ]);
      const [row] = await waitForClinician(harbor, REF_SYSTEM, value);
      expect(row).toMatchObject({ decision: 'below-harm-threshold', request_id: null });
    });

    it('a near miss updated to an actual harmful event reaches out then, once; a further re-send changes nothing', async () => {
      const value = freshId('upgrade');
      const base = { resourceType: 'AdverseEvent', id: freshId('ae'), contributor: [{ reference: `Practitioner/${value}` }] };
      const fhir = { contentType: 'application/fhir+json' };
      expect((await post(harbor, '/fhir/AdverseEvent', { ...base, actuality: 'potential' }, fhir)).status).toBe(202);
      expect((await clinicianRows(harbor, REF_SYSTEM, value)).map((row) => row.decision)).toEqual(['below-harm-threshold']);
      const actual = { ...base, actuality: 'actual', severity: { coding: [{ code: 'severe' }] } };
      expect((await post(harbor, '/fhir/AdverseEvent', actual, fhir)).status).toBe(202);
      expect((await post(harbor, '/fhir/AdverseEvent', actual, fhir)).status).toBe(202);
      expect((await clinicianRows(harbor, REF_SYSTEM, value)).map((row) => row.decision)).toEqual(['outreach']);
      expect(await supportRequestsFor(harbor, value)).toEqual([expect.objectContaining({ trigger: expect.objectContaining({ harmLevel: 'severe' }) })]);
    });

    it('every HL7 example in FHIR XML is accepted over HTTP with the same outcome as its JSON form', async () => {
      for (const example of HL7_ADVERSE_EVENT_XML) {
        const source = freshId('hl7-xml');
        const xml = example.xml.replace(/<meta>[\s\S]*?<\/meta>/, '').replace(/<AdverseEvent ([^>]*)>/, `<AdverseEvent $1><meta><source value="${source}"/></meta>`);
        const response = await post(harbor, '/fhir/AdverseEvent', xml, { contentType: `application/fhir+xml; fhirVersion=${example.version === 'R4' ? '4.0' : '5.0'}` });
        expect({ name: example.name, status: response.status }).toEqual({ name: example.name, status: 202 });
        const json = HL7_ADVERSE_EVENT_EXAMPLES.find((candidate) => candidate.name === example.name)!;
        const jsonSource = freshId('hl7-json');
        const jsonResponse = await post(harbor, '/fhir/AdverseEvent', { ...json.resource, meta: { source: jsonSource } }, { contentType: 'application/fhir+json' });
        expect(jsonResponse.status).toBe(202);
        // Same decisions, requests and triage (the answers say only "accepted", so the records are compared).
        expect({ name: example.name, ...(await recordedFor(source)) }).toEqual({ name: example.name, ...(await recordedFor(jsonSource)) });
      }
    });

    it('FHIR XML: a contributor by identifier becomes a support request, the narrative and patient go nowhere', async () => {
      const clinician = freshId('xml-npi');
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<AdverseEvent xmlns="http://hl7.org/fhir">
  <id value="${freshId('ae')}"/>
  <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Wrong dose &amp; a long story</p></div></text>
  <actuality value="actual"/>
  <category><coding><code value="wrong-dose"/></coding></category>
  <subject><reference value="Patient/p1"/><display value="A Patient"/></subject>
  <date value="2026-11-20T08:00:00Z"/>
  <severity><coding><code value="severe"/></coding></severity>
  <contributor><identifier><system value="${NPI}"/><value value="${clinician}"/></identifier></contributor>
</AdverseEvent>`;
      const response = await post(harbor, '/fhir/AdverseEvent', xml, { contentType: 'application/fhir+xml' });
      expect(response.status).toBe(202);
      expect(await recordedFor(undefined, clinician)).toEqual({ decisions: ['outreach'], requests: 1, triage: [] });
      const [request] = await supportRequestsFor(harbor, clinician);
      expect(request).toMatchObject({
        clinician: { system: NPI, value: clinician },
        trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: '2026-11-20T08:00:00.000Z' },
      });
    });

    it('every HL7 example is accepted or triaged over HTTP, none rejected', async () => {
      for (const example of HL7_ADVERSE_EVENT_EXAMPLES) {
        const source = freshId('hl7');
        const response = await post(harbor, '/fhir/AdverseEvent', { ...example.resource, meta: { source } }, { contentType: 'application/fhir+json' });
        expect({ name: example.name, status: response.status }).toEqual({ name: example.name, status: 202 });
        expect(response.headers.get('content-type')).toContain('application/fhir+json');
        const outcome = await jsonOf(response);
        expect(outcome.resourceType).toBe('OperationOutcome');
        expect(outcome.issue).toEqual([{ severity: 'information', code: 'informational', diagnostics: 'AdverseEvent accepted' }]);
        const recorded = await recordedFor(source);
        expect({ name: example.name, handled: recorded.requests > 0 || recorded.triage.length > 0 || recorded.decisions.includes('below-harm-threshold') })
          .toEqual({ name: example.name, handled: true });
      }
    });
  });

  describe('triage', () => {
    it('display-only people wait in the queue; assign requests support and erases the text, dismiss erases it too', async () => {
      const eventId = freshId('ae');
      const response = await post(
        harbor,
        '/fhir/AdverseEvent',
        {
          resourceType: 'AdverseEvent',
          id: eventId,
          status: 'completed',
          actuality: 'actual',
          occurrenceDateTime: '2026-11-22T10:00:00Z',
          outcome: [{ coding: [{ code: 'fatal' }] }],
          participant: [{ actor: { display: `Night nurse ${eventId}` } }, { actor: { display: `Resident ${eventId}` } }],
        },
        { contentType: 'application/fhir+json' },
      );
      expect(response.status).toBe(202);
      const list = await harbor.request('intake', '/v1/triage', { role: Role.ProgramAdmin });
      expect(list.status).toBe(200);
      const items = (await jsonOf(list)).items.filter((item: { displayText: string }) => item.displayText?.endsWith(eventId));
      expect(items.map((item: { displayText: string }) => item.displayText).sort()).toEqual([`Night nurse ${eventId}`, `Resident ${eventId}`]);
      expect(items[0]).toMatchObject({ reason: 'display-only', kind: 'incident', category: 'unexpected-death', harmLevel: 'death' });

      const nurse = items.find((item: { displayText: string }) => item.displayText.startsWith('Night nurse'));
      const resident = items.find((item: { displayText: string }) => item.displayText.startsWith('Resident'));
      const value = freshId('assigned');
      const assign = await post(harbor, `/v1/triage/${nurse.id}/assign`, { identifier: { system: NPI, value } }, { role: Role.ProgramAdmin });
      expect(assign.status).toBe(200);
      expect(await jsonOf(assign)).toEqual({ decision: 'outreach', supportRequested: true });
      expect(await supportRequestsFor(harbor, value)).toEqual([expect.objectContaining({ trigger: expect.objectContaining({ category: 'unexpected-death', harmLevel: 'death' }) })]);

      const dismiss = await harbor.request('intake', `/v1/triage/${resident.id}/dismiss`, { role: Role.ProgramAdmin, method: 'POST' });
      expect(dismiss.status).toBe(204);
      const again = await post(harbor, `/v1/triage/${nurse.id}/assign`, { identifier: { system: NPI, value } }, { role: Role.ProgramAdmin });
      expect(again.status).toBe(409);

      const { rows } = await harbor.db.query(`SELECT "status", "display_text" FROM "intake"."triage_items" WHERE "id" = ANY($1) ORDER BY "status"`, [[nurse.id, resident.id]]);
      expect(rows).toEqual([{ status: 'assigned', display_text: null }, { status: 'dismissed', display_text: null }]);

      // Re-sending the same event does not reopen what staff resolved.
      await post(harbor, '/fhir/AdverseEvent', { resourceType: 'AdverseEvent', id: eventId, status: 'completed', participant: [{ actor: { display: `Night nurse ${eventId}` } }] }, { contentType: 'application/fhir+json' });
      const open = (await jsonOf(await harbor.request('intake', '/v1/triage', { role: Role.ProgramAdmin }))).items.filter((item: { displayText: string }) => item.displayText?.endsWith(eventId));
      expect(open).toEqual([]);
    });

    it('an item keeps the identifiers the person came with, never a patient\'s, and forgets them when resolved', async () => {
      const eventId = freshId('ae');
      const [employee, badge] = [freshId('E'), freshId('B')];
      const response = await post(harbor, '/fhir/AdverseEvent', {
        resourceType: 'AdverseEvent', id: eventId, actuality: 'actual', date: '2026-11-22T10:00:00Z',
        category: [{ coding: [{ code: 'wrong-dose' }] }], severity: { coding: [{ code: 'severe' }] },
        contained: [{ resourceType: 'Patient', id: 'pat', identifier: [{ system: 'urn:mrn', value: `MRN-${eventId}` }] }],
        subject: { type: 'Patient', reference: '#pat', identifier: { system: 'urn:mrn', value: `MRN-${eventId}` } },
        contributor: [{ identifier: { value: employee }, display: `Night nurse ${eventId}` }, { reference: 'PractitionerRole/unknown', identifier: { system: 'urn:badge', value: '' } }, { identifier: { value: badge } }],
      }, { contentType: 'application/fhir+json' });
      expect(response.status).toBe(202);
      const list = await jsonOf(await harbor.request('intake', '/v1/triage?limit=500', { role: Role.ProgramAdmin }));
      expect(JSON.stringify(list)).not.toContain(`MRN-${eventId}`);
      const { rows: stored } = await harbor.db.query(
        `SELECT ti."id", ti."identifiers"::text AS "identifiers", ti."display_text" FROM "intake"."triage_items" ti JOIN "intake"."triggers" t ON t."id" = ti."trigger_id"
         WHERE t."source_event_id" = $1`, [`AdverseEvent/${eventId}`],
      );
      expect(stored).toHaveLength(3);
      expect(JSON.stringify(stored)).not.toContain('MRN-');
      const mine = list.items.filter((item: { id: string }) => stored.some((row: { id: string }) => row.id === item.id));
      const byReason = (reason: string) => mine.filter((item: { reason: string }) => item.reason === reason);
      expect(byReason('display-only')).toEqual([expect.objectContaining({ displayText: `Night nurse ${eventId}`, identifiers: [{ system: null, value: employee }] })]);
      expect(byReason('unresolvable-reference').map((item: { displayText: string | null; identifiers: unknown[] }) => [item.displayText, item.identifiers]).sort())
        .toEqual([['PractitionerRole/unknown', []], [null, [{ system: null, value: badge }]]].sort());

      for (const item of mine) expect((await harbor.request('intake', `/v1/triage/${item.id}/dismiss`, { role: Role.ProgramAdmin, method: 'POST' })).status).toBe(204);
      const { rows: resolved } = await harbor.db.query(`SELECT "status", "identifiers", "display_text" FROM "intake"."triage_items" WHERE "id" = ANY($1)`, [mine.map((item: { id: string }) => item.id)]);
      expect(resolved).toEqual(mine.map(() => ({ status: 'dismissed', identifiers: null, display_text: null })));
    });

    it('a staff-assault subject named only by an NPI is the clinician, not a no-clinician-named item; a patient subject by record number never is', async () => {
      const npi = freshId('npi');
      const source = freshId('assault');
      const assault = (subject: Record<string, unknown>) => ({
        resourceType: 'AdverseEvent', id: freshId('ae'), meta: { source }, actuality: 'actual', date: '2026-11-23T02:00:00Z',
        category: [{ coding: [{ code: 'assault' }] }], seriousness: { coding: [{ code: 'serious' }] }, subject,
      });
      expect((await post(harbor, '/fhir/AdverseEvent', assault({ identifier: { system: NPI, value: npi } }), { contentType: 'application/fhir+json' })).status).toBe(202);
      expect(await supportRequestsFor(harbor, npi)).toEqual([expect.objectContaining({
        clinician: { system: NPI, value: npi }, trigger: expect.objectContaining({ category: 'staff-assault', harmLevel: 'severe' }),
      })]);
      expect((await recordedFor(source)).triage).toEqual([]);

      const mrn = freshId('MRN');
      expect((await post(harbor, '/fhir/AdverseEvent', assault({ identifier: { system: 'urn:mrn', value: mrn } }), { contentType: 'application/fhir+json' })).status).toBe(202);
      expect((await recordedFor(source)).triage).toEqual(['no-clinician-named']);
      const { rows } = await harbor.db.query(`SELECT ti.* FROM "intake"."triage_items" ti JOIN "intake"."triggers" t ON t."id" = ti."trigger_id" WHERE t."source" = $1`, [source]);
      expect(rows).toEqual([expect.objectContaining({ identifiers: null, display_text: null })]);
      const { rows: anywhere } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."trigger_clinicians" WHERE "identifier_value" = $1`, [mrn]);
      expect(anywhere).toEqual([{ n: 0 }]);
    });

    it('only program admins see the queue', async () => {
      expect((await harbor.request('intake', '/v1/triage', { role: Role.SourceSystem })).status).toBe(403);
      expect((await harbor.request('intake', '/v1/triage')).status).toBe(401);
    });
  });

  describe('lawsuits.notified.v1 and POST /v1/lawsuits', () => {
    const notice = (value: string, extra: Record<string, unknown> = {}) => ({
      source: 'risk-mgmt',
      noticeId: freshId('CLM'),
      receivedAt: '2026-11-25T09:00:00Z',
      kind: 'notice-of-intent',
      namedClinicians: [{ identifier: { system: NPI, value } }],
      facility: 'general',
      plaintiff: 'never stored',
      ...extra,
    });

    it('a claim notice on Kafka always leads to outreach; the same notice twice pages once', async () => {
      const value = freshId('sued');
      const record = JSON.stringify(notice(value));
      await publish(harbor, 'lawsuits.notified.v1', [{ value: record }, { value: record }]);
      await waitForClinician(harbor, NPI, value);
      await waitFor(async () => (await supportRequestsFor(harbor, value)).length === 1, 'the support request');
      const [request] = await supportRequestsFor(harbor, value);
      expect(request).toMatchObject({ trigger: { kind: 'lawsuit', category: 'notice-of-intent', occurredAt: '2026-11-25T09:00:00.000Z' } });
      expect(request.trigger).not.toHaveProperty('harmLevel');
    });

    it('over HTTP, with 422 naming the fields of a bad notice', async () => {
      const value = freshId('sued');
      const ok = await post(harbor, '/v1/lawsuits', notice(value, { kind: 'deposition' }));
      expect(ok.status).toBe(202);
      expect(await jsonOf(ok)).toEqual({ status: 'accepted' });
      expect(await supportRequestsFor(harbor, value)).toHaveLength(1);
      const bad = await post(harbor, '/v1/lawsuits', { source: 'risk-mgmt', noticeId: 'x', kind: 'rumour', namedClinicians: [] });
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const fields = (await jsonOf(bad)).errors.map((error: { field: string }) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['receivedAt', 'kind', 'namedClinicians', 'facility']));
    });
  });

  describe('referrals, opt-outs and the cooldown', () => {
    it('an opted-out clinician gets no proactive outreach, but a self-referral still works', async () => {
      const value = freshId('optout');
      expect((await post(harbor, '/v1/opt-outs', { identifier: { system: NPI, value } }, { role: Role.ProgramAdmin })).status).toBe(204);

      expect((await post(harbor, '/v1/incidents', nativeIncident([value]))).status).toBe(202);
      expect((await post(harbor, '/v1/referrals', { referredBy: 'colleague', clinician: { system: NPI, value }, facility: 'general' })).status).toBe(202);
      expect((await clinicianRows(harbor, NPI, value)).map((row) => row.decision)).toEqual(['opted-out', 'opted-out']);
      expect(await supportRequestsFor(harbor, value)).toEqual([]);

      const self = await post(harbor, '/v1/referrals', { referredBy: 'self', clinician: { system: NPI, value }, facility: 'general', referralId: 'portal-1' });
      expect(self.status).toBe(202);
      expect(await supportRequestsFor(harbor, value)).toEqual([expect.objectContaining({ trigger: expect.objectContaining({ kind: 'referral', category: 'self-referral' }) })]);
      // The same referral retried is recorded once.
      await post(harbor, '/v1/referrals', { referredBy: 'self', clinician: { system: NPI, value }, facility: 'general', referralId: 'portal-1' });
      expect(await supportRequestsFor(harbor, value)).toHaveLength(1);

      // An incident feed can neither lift nor add an opt-out: it is the clinician's, recorded by program staff.
      const optInPath = `/v1/opt-outs?system=${encodeURIComponent(NPI)}&value=${value}`;
      expect((await harbor.request('intake', optInPath, { role: Role.SourceSystem, method: 'DELETE' })).status).toBe(403);
      const other = freshId('optout');
      expect((await post(harbor, '/v1/opt-outs', { identifier: { system: NPI, value: other } }, { role: Role.SourceSystem })).status).toBe(403);
      const stored = async (identifier: string) => (await harbor.db.query(`SELECT 1 FROM "intake"."opt_outs" WHERE "identifier_value" = $1`, [identifier])).rows;
      expect(await stored(value)).toHaveLength(1);
      expect(await stored(other)).toEqual([]);
      // Staff can check one identifier they hold; an incident feed cannot.
      const checkPath = (identifier: string) => `/v1/opt-outs/check?system=${encodeURIComponent(NPI)}&value=${identifier}`;
      const check = async (identifier: string) => jsonOf(await harbor.request('intake', checkPath(identifier), { role: Role.ProgramAdmin }));
      expect(await check(value)).toEqual({ optedOut: true, since: expect.any(String) });
      expect(await check(other)).toEqual({ optedOut: false });
      expect((await harbor.request('intake', checkPath(value), { role: Role.SourceSystem })).status).toBe(403);
      const missingValue = await harbor.request('intake', `/v1/opt-outs/check?system=${encodeURIComponent(NPI)}`, { role: Role.ProgramAdmin });
      expect(missingValue.status).toBe(422);
      expect((await jsonOf(missingValue)).errors).toEqual([{ field: 'value', message: expect.stringContaining('required') }]);

      const optIn = await harbor.request('intake', optInPath, { role: Role.ProgramDirector, method: 'DELETE' });
      expect(optIn.status).toBe(204);
      expect(await stored(value)).toEqual([]);
      expect(await check(value)).toEqual({ optedOut: false });
    });

    it('a second trigger within the cooldown is absorbed by the open case', async () => {
      const value = freshId('busy');
      expect((await post(harbor, '/v1/incidents', nativeIncident([value]))).status).toBe(202);
      expect((await post(harbor, '/v1/incidents', nativeIncident([value], { category: 'unexpected-death', harmLevel: 'death' }))).status).toBe(202);
      expect((await clinicianRows(harbor, NPI, value)).map((row) => row.decision)).toEqual(['outreach', 'absorbed']);
      expect(await supportRequestsFor(harbor, value)).toHaveLength(1);
    });

    it('a referral carries no free text: unknown fields answer 422 naming them', async () => {
      const response = await post(harbor, '/v1/referrals', { referredBy: 'manager', clinician: { system: NPI, value: 'x' }, facility: 'general', note: 'free text' });
      expect(response.status).toBe(422);
      expect((await jsonOf(response)).errors).toEqual([expect.objectContaining({ field: 'note' })]);
    });
  });

  describe('bad input', () => {
    it('Kafka: each bad record goes to the DLQ with its reason, and the next record is processed', async () => {
      const good = freshId('after-bad');
      await publish(harbor, 'incidents.reported.v1', [
        { key: 'same', value: '{not json' },
        { key: 'same', value: JSON.stringify({ resourceType: 'Patient', id: 'p1' }) },
        { key: 'same', value: JSON.stringify({ resourceType: 'AdverseEvent', id: 'a1', contributor: 'Practitioner/1' }) },
        { key: 'same', value: JSON.stringify({ source: 'rl-datix', sourceEventId: 'x', harmLevel: 'catastrophic' }) },
        { key: 'same', value: JSON.stringify(nativeIncident([good])) },
      ]);
      await waitForClinician(harbor, NPI, good);
      const dead = await readTopic(`${harbor.topic('incidents.reported.v1')}.dlq`, 4);
      const reasons = dead.map((message) => [message.headers?.dlq_error_class?.toString(), message.headers?.dlq_error_message?.toString()]);
      expect(reasons).toEqual([
        ['MalformedMessageError', expect.stringContaining('not valid JSON')],
        ['EventValidationError', expect.stringContaining('resourceType: must be AdverseEvent')],
        ['EventValidationError', expect.stringContaining('contributor: must be a JSON object')],
        ['EventValidationError', expect.stringMatching(/occurredAt.*harmLevel.*facility.*involvedClinicians/s)],
      ]);
      // What is not JSON is not kept at all (the source resends it); the rest keep only their contract's fields.
      expect(dead[0].value).toBeNull();
      expect(dead[0].headers?.dlq_value?.toString()).toBe('none');
      expect(JSON.parse(dead[1].value!.toString())).toEqual({ resourceType: 'Patient', id: 'p1' });
      expect(JSON.parse(dead[3].value!.toString())).toEqual({ source: 'rl-datix', sourceEventId: 'x', harmLevel: 'catastrophic' });
    });

    it('FHIR route: 415, 413, 422 and 401 as OperationOutcome naming the field', async () => {
      const text = await post(harbor, '/fhir/AdverseEvent', 'AdverseEvent please', { contentType: 'text/plain' });
      expect(text.status).toBe(415);
      expect((await jsonOf(text)).issue[0]).toMatchObject({ severity: 'error', code: 'not-supported' });

      const unclosed = await post(harbor, '/fhir/AdverseEvent', '<AdverseEvent xmlns="http://hl7.org/fhir"><id value="x"/>', { contentType: 'application/fhir+xml' });
      expect(unclosed.status).toBe(400);
      expect((await jsonOf(unclosed)).issue[0]).toMatchObject({ severity: 'error', code: 'structure', diagnostics: expect.stringContaining('xml: is not well-formed XML') });
      const entities = await post(harbor, '/fhir/AdverseEvent', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><AdverseEvent xmlns="http://hl7.org/fhir"><id value="&x;"/></AdverseEvent>', { contentType: 'application/fhir+xml' });
      expect(entities.status).toBe(400);
      const entitiesText = await entities.text();
      expect(entitiesText).toContain('must not contain a DOCTYPE');
      expect(entitiesText).not.toContain('root:');
      const unknownElement = await post(harbor, '/fhir/AdverseEvent', '<AdverseEvent xmlns="http://hl7.org/fhir"><id value="x"/><actuality value="actual"/><favouriteColour value="red"/></AdverseEvent>', { contentType: 'application/fhir+xml' });
      expect(unknownElement.status).toBe(422);
      expect((await jsonOf(unknownElement)).issue[0].expression).toEqual(['AdverseEvent.favouriteColour']);

      const big = await post(harbor, '/fhir/AdverseEvent', { resourceType: 'AdverseEvent', id: 'big', padding: 'x'.repeat(20_000) }, { contentType: 'application/fhir+json' });
      expect(big.status).toBe(413);
      expect((await jsonOf(big)).issue[0].code).toBe('too-costly');

      const invalid = await post(harbor, '/fhir/AdverseEvent', { resourceType: 'AdverseEvent', id: 'bad', date: 'yesterday', contributor: ['x'] }, { contentType: 'application/fhir+json' });
      expect(invalid.status).toBe(422);
      const outcome = await jsonOf(invalid);
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue.map((issue: { expression: string[] }) => issue.expression[0])).toEqual(['AdverseEvent.date', 'AdverseEvent.contributor[0]']);

      const wrongType = await post(harbor, '/fhir/AdverseEvent', { resourceType: 'Observation', id: 'o' }, { contentType: 'application/fhir+json' });
      expect(wrongType.status).toBe(422);
      expect((await jsonOf(wrongType)).issue[0].expression).toEqual(['AdverseEvent.resourceType']);

      // Refused by the shared body parser before any route runs, and still answered as FHIR.
      const malformed = await post(harbor, '/fhir/AdverseEvent', '{"resourceType": "AdverseEvent", "note": "canary-secret', { contentType: 'application/fhir+json' });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toContain('application/fhir+json');
      const malformedText = await malformed.text();
      expect(JSON.parse(malformedText).issue[0]).toMatchObject({ severity: 'error', code: 'structure', diagnostics: expect.stringContaining('not valid JSON') });
      expect(malformedText).not.toContain('canary-secret');
      const overParserLimit = await post(harbor, '/fhir/AdverseEvent', `{"resourceType":"AdverseEvent","padding":"${'z'.repeat(300 * 1024)}"}`, { contentType: 'application/fhir+json' });
      expect(overParserLimit.status).toBe(413);
      expect((await jsonOf(overParserLimit)).issue[0].code).toBe('too-costly');

      const anonymous = await fetch(`${harbor.urls.intake}/fhir/AdverseEvent`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{}' });
      expect(anonymous.status).toBe(401);
      expect((await jsonOf(anonymous)).resourceType).toBe('OperationOutcome');
    });

    it('native routes: 415 for another media type, 413 over the limit, 400 for malformed JSON', async () => {
      expect((await post(harbor, '/v1/incidents', 'source=x', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
      expect((await post(harbor, '/v1/lawsuits', 'hello', { contentType: 'text/plain' })).status).toBe(415);
      const big = await post(harbor, '/v1/incidents', nativeIncident(['x'], { padding: 'y'.repeat(20_000) }));
      expect(big.status).toBe(413);
      expect(big.headers.get('content-type')).toContain('application/problem+json');
      const malformed = await post(harbor, '/v1/incidents', '{"source": "canary-secret');
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toContain('application/problem+json');
      const problem = await malformed.text();
      expect(JSON.parse(problem)).toMatchObject({ status: 400, title: 'The request body is not valid JSON', instance: '/v1/incidents' });
      expect(problem).not.toContain('canary-secret');
    });
  });
});
