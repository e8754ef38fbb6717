import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { readTopic } from '../support/infrastructure';
import { freshId, jsonOf, nativeIncident, NPI, post, publish, waitForClinician } from './intake-helpers';

/**
 * Random input: on every HTTP route that takes a body, always an answer and never a 5xx; on Kafka, every
 * record is either processed or dead-lettered, and a valid record after them is still processed.
 */
describe('intake under random input', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'], serviceEnv: { intake: { INTAKE_BODY_LIMIT: '16kb' } } });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  const reference = fc.record(
    { reference: fc.oneof(fc.string(), fc.constantFrom('Practitioner/1', 'PractitionerRole/2', '#c', 'Patient/p')), display: fc.string(), identifier: fc.jsonValue({ maxDepth: 1 }), type: fc.string() },
    { requiredKeys: [] },
  );
  const adverseEventish = fc.record(
    {
      resourceType: fc.constantFrom('AdverseEvent', 'AdverseEvent', 'Patient', ''),
      id: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
      identifier: fc.jsonValue({ maxDepth: 2 }),
      actuality: fc.oneof(fc.constantFrom('actual', 'potential'), fc.string()),
      status: fc.string(),
      date: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
      occurrenceDateTime: fc.string(),
      subject: fc.oneof(reference, fc.jsonValue({ maxDepth: 1 })),
      contributor: fc.oneof(fc.array(reference, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
      participant: fc.array(fc.record({ actor: fc.oneof(reference, fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }), { maxLength: 4 }),
      contained: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      severity: fc.jsonValue({ maxDepth: 3 }),
      outcome: fc.jsonValue({ maxDepth: 3 }),
      location: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  );
  const nativeish = fc.record(
    {
      source: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
      sourceEventId: fc.string({ maxLength: 220 }),
      noticeId: fc.string(),
      occurredAt: fc.string(),
      receivedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
      kind: fc.constantFrom('lawsuit', 'deposition', 'x'),
      referredBy: fc.constantFrom('self', 'colleague', 'boss'),
      clinician: fc.jsonValue({ maxDepth: 2 }),
      category: fc.constantFrom('medication-error', 'other', 'nope'),
      harmLevel: fc.constantFrom('severe', 'none', 'bad'),
      facility: fc.oneof(fc.string({ maxLength: 120 }), fc.constant(null)),
      involvedClinicians: fc.jsonValue({ maxDepth: 3 }),
      namedClinicians: fc.array(fc.record({ identifier: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      identifier: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    adverseEventish.map((value) => JSON.stringify(value)),
    nativeish.map((value) => JSON.stringify(value)),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    // Any code point, NUL and lone surrogates included, inside otherwise valid shapes.
    fc.record({ resourceType: fc.constant('AdverseEvent'), id: fc.string({ unit: 'binary', maxLength: 10 }), contributor: fc.array(fc.record({ reference: fc.string({ unit: 'binary' }), display: fc.string({ unit: 'binary' }) })) }).map((value) => JSON.stringify(value)),
    fc.record({ source: fc.string({ unit: 'binary', minLength: 1 }), sourceEventId: fc.string({ unit: 'binary', minLength: 1 }), facility: fc.string({ unit: 'binary', minLength: 1 }), clinician: fc.record({ system: fc.string({ unit: 'binary', minLength: 1 }), value: fc.string({ unit: 'binary', minLength: 1 }) }), identifier: fc.record({ system: fc.string({ unit: 'binary', minLength: 1 }), value: fc.string({ unit: 'binary', minLength: 1 }) }), referredBy: fc.constant('self') }).map((value) => JSON.stringify(value)),
  );
  const routes: [string, Role, string][] = [
    ['/fhir/AdverseEvent', Role.SourceSystem, 'application/fhir+json'],
    ['/v1/incidents', Role.SourceSystem, 'application/json'],
    ['/v1/lawsuits', Role.SourceSystem, 'application/json'],
    ['/v1/referrals', Role.SourceSystem, 'application/json'],
    ['/v1/opt-outs', Role.ProgramAdmin, 'application/json'],
    ['/v1/triage/00000000-0000-4000-8000-000000000000/assign', Role.ProgramAdmin, 'application/json'],
  ];

  it('a NUL character is refused with 422 naming the field, on native and FHIR routes alike', async () => {
    const native = await post(harbor, '/v1/referrals', { referredBy: 'self', clinician: { system: 'urn:x', value: 'a\u0000b' }, facility: 'f' }, { role: Role.SourceSystem });
    expect(native.status).toBe(422);
    expect((await jsonOf(native)).errors).toEqual([{ field: 'clinician.value', message: 'must not contain NUL characters' }]);
    const fhir = await post(harbor, '/fhir/AdverseEvent', { resourceType: 'AdverseEvent', id: 'n', contributor: [{ reference: 'Practitioner/\u0000' }] }, { contentType: 'application/fhir+json' });
    expect(fhir.status).toBe(422);
    expect((await jsonOf(fhir)).issue[0].expression).toEqual(['AdverseEvent.contributor[0].reference']);
    const optIn = await harbor.request('intake', '/v1/opt-outs?system=urn:x&value=%00', { role: Role.ProgramAdmin, method: 'DELETE' });
    expect(optIn.status).toBe(422);
  });

  it.each(routes)('%s answers every body with a 2xx or 4xx', async (path, role, contentType) => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const response = await post(harbor, path, text, { role, contentType });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  // FHIR XML: trees of real and made-up element names, values with any character (escaped or not), broken markup.
  const xmlValue = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('actual', 'Practitioner/1', '2026-11-20T08:00:00Z', 'true', '1.50'));
  const escapeXml = (value: string) => value.replace(/[<&"]/g, (c) => ({ '<': '&lt;', '&': '&amp;', '"': '&quot;' })[c]!);
  const xmlAttribute = fc.option(fc.tuple(xmlValue, fc.boolean()).map(([value, escaped]) => ` value="${escaped ? escapeXml(value) : value}"`), { nil: '' });
  const xmlName = fc.constantFrom('id', 'actuality', 'status', 'date', 'contributor', 'participant', 'actor', 'reference', 'identifier', 'system', 'value', 'subject', 'contained', 'Practitioner', 'extension', 'text', 'div', 'made-up', 'f:id');
  const xmlElement = fc.letrec<{ element: string }>((tie) => ({
    element: fc.oneof(
      { depthSize: 'small' },
      fc.tuple(xmlName, xmlAttribute).map(([name, attribute]) => `<${name}${attribute}/>`),
      fc.tuple(xmlName, xmlAttribute, fc.array(tie('element'), { maxLength: 3 })).map(([name, attribute, children]) => `<${name}${attribute}>${children.join('')}</${name}>`),
    ),
  })).element;
  const xmlDocument = fc.oneof(
    fc.array(xmlElement, { maxLength: 6 }).map((children) => `<AdverseEvent xmlns="http://hl7.org/fhir">${children.join('')}</AdverseEvent>`),
    fc.tuple(fc.array(xmlElement, { maxLength: 4 }), fc.string({ maxLength: 30 })).map(([children, tail]) => `<?xml version="1.0"?><AdverseEvent xmlns="http://hl7.org/fhir">${children.join('')}${tail}`),
    fc.string({ maxLength: 200 }),
  );

  it('/fhir/AdverseEvent answers every FHIR XML body with a 2xx or 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(xmlDocument, async (xml) => {
        const response = await post(harbor, '/fhir/AdverseEvent', xml, { contentType: 'application/fhir+xml' });
        const outcome = await jsonOf(response);
        expect(response.status).toBeLessThan(500);
        expect(outcome.resourceType).toBe('OperationOutcome');
      }),
      { numRuns: 100 },
    );
  });

  it('Kafka: every random record is processed or dead-lettered, and the valid record after them is processed', async () => {
    const records = [...new Set(fc.sample(body, { numRuns: 60, seed: 42 }))];
    await publish(harbor, 'incidents.reported.v1', records.map((value) => ({ key: 'fuzz', value })));
    const good = freshId('after-fuzz');
    await publish(harbor, 'incidents.reported.v1', [{ key: 'fuzz', value: JSON.stringify(nativeIncident([good])) }]);
    await waitForClinician(harbor, NPI, good);

    const topic = harbor.topic('incidents.reported.v1');
    const contentId = (value: string) => `sha256:${createHash('sha256').update(topic).update('\0').update('fuzz').update('\0').update(value).digest('hex')}`;
    const { rows } = await harbor.db.query(`SELECT "event_id" FROM "intake"."processed_messages" WHERE "event_id" = ANY($1)`, [records.map(contentId)]);
    const processed = new Set(rows.map((row: { event_id: string }) => row.event_id));
    const expectedDead = records.filter((value) => !processed.has(contentId(value)));
    expect(expectedDead.length).toBeGreaterThan(0);
    const dead = await readTopic(`${topic}.dlq`, expectedDead.length);
    // Inbound dead letters keep a reduced value; the original is identified by its digest.
    const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
    expect(dead.map((message) => message.headers?.dlq_original_sha256?.toString()).sort()).toEqual(expectedDead.map(sha256).sort());
    for (const message of dead) expect(message.headers?.dlq_error_class?.toString()).toMatch(/^(MalformedMessageError|EventValidationError)$/);
  });
});
