import fc from 'fast-check';
import { Role } from '@harbor/auth';
import { signRequest } from '../../apps/intake/src/source-auth/request-signature';
import { HarborHarness } from '../support/harbor-harness';
import { freshId, jsonOf, nativeIncident, NPI, supportRequestsFor } from './intake-helpers';

const DATIX_SECRET = 'datix-secret-0123456789-0123456789-abc';
const OLD_DATIX_SECRET = 'datix-old-secret-0123456789-0123456789';
const SOURCE_SYSTEMS = [
  // Signs its requests (two secrets while rotating) or uses a token with subject rl-datix.
  { id: 'rl-datix', hmacSecrets: [DATIX_SECRET, OLD_DATIX_SECRET] },
  // Tokens only, speaking for a payload source named differently from the caller.
  { id: 'risk-office', sources: ['risk-mgmt'] },
];

interface SignOptions {
  source?: string;
  secret?: string;
  timestamp?: number;
  method?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Source authentication over HTTP: per-source tokens bound to payload sources, and signed requests with replay refusal. */
describe('intake source authentication', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({
      services: ['intake'],
      serviceEnv: { intake: { INTAKE_SOURCE_SYSTEMS: JSON.stringify(SOURCE_SYSTEMS), INTAKE_SIGNATURE_TOLERANCE_SECONDS: '120' } },
    });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  /** Sends `body` signed as a source system would, returning the response and what was signed. */
  async function signed(path: string, body: unknown, options: SignOptions = {}) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const method = options.method ?? 'POST';
    const signature = signRequest(options.secret ?? DATIX_SECRET, { timestamp, method, url: path, body: Buffer.from(text) });
    const headers: Record<string, string> = {
      'x-harbor-source': options.source ?? 'rl-datix',
      'x-harbor-timestamp': timestamp,
      'x-harbor-signature': signature,
      ...(text ? { 'content-type': options.contentType ?? 'application/json' } : {}),
      ...options.headers,
    };
    const send = () => fetch(`${harbor.urls.intake}${path}`, { method, headers, body: text || undefined });
    return { response: await send(), replay: send };
  }

  const triggersFor = async (source: string, sourceEventId: string) =>
    (await harbor.db.query(`SELECT "id", "source" FROM "intake"."triggers" WHERE "source" = $1 AND "source_event_id" = $2`, [source, sourceEventId])).rows;

  it('accepts a signed incident once: the identical request again is a replay (401); re-signed later it is the same trigger', async () => {
    const clinician = freshId('npi');
    const incident = nativeIncident([clinician]);
    const first = await signed('/v1/incidents', incident);
    expect(first.response.status).toBe(202);
    const accepted = await jsonOf(first.response);
    expect(accepted).toEqual({ status: 'accepted' });
    expect(await supportRequestsFor(harbor, clinician)).toHaveLength(1);

    const replayed = await first.replay();
    expect(replayed.status).toBe(401);
    expect(await jsonOf(replayed)).toMatchObject({ status: 401, detail: expect.stringContaining('replay refused') });

    // A sender retrying after a lost answer signs again: accepted, and deduplicated by the source event id.
    const retried = await signed('/v1/incidents', incident, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(retried.response.status).toBe(202);
    expect(await jsonOf(retried.response)).toEqual(accepted);
    expect(await supportRequestsFor(harbor, clinician)).toHaveLength(1);
    expect(await triggersFor('rl-datix', incident.sourceEventId)).toHaveLength(1);
  });

  it('accepts the old secret during rotation, and refuses stale, tampered, foreign or unsigned-for signatures naming why', async () => {
    expect((await signed('/v1/incidents', nativeIncident([freshId()]), { secret: OLD_DATIX_SECRET })).response.status).toBe(202);

    const stale = await signed('/v1/incidents', nativeIncident([freshId()]), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.response.status).toBe(401);
    expect((await jsonOf(stale.response)).detail).toMatch(/X-Harbor-Timestamp is \d+ s from the server's clock; at most 120 s/);

    const wrongSecret = await signed('/v1/incidents', nativeIncident([freshId()]), { secret: 'an-attacker-guess-0123456789-0123456789' });
    expect(wrongSecret.response.status).toBe(401);
    expect((await jsonOf(wrongSecret.response)).detail).toContain('does not match');

    // Signed for one body, sent with another.
    const incident = nativeIncident([freshId()]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const tampered = await fetch(`${harbor.urls.intake}/v1/incidents`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'x-harbor-source': 'rl-datix', 'x-harbor-timestamp': timestamp,
        'x-harbor-signature': signRequest(DATIX_SECRET, { timestamp, method: 'POST', url: '/v1/incidents', body: Buffer.from(JSON.stringify(incident)) }),
      },
      body: JSON.stringify({ ...incident, harmLevel: 'death' }),
    });
    expect(tampered.status).toBe(401);
    expect(await triggersFor('rl-datix', incident.sourceEventId)).toHaveLength(0);

    const unknown = await signed('/v1/incidents', nativeIncident([freshId()]), { source: 'nobody' });
    expect(unknown.response.status).toBe(401);
    expect((await jsonOf(unknown.response)).detail).toContain("'nobody' has no signing secret");
    const tokenOnly = await signed('/v1/lawsuits', {}, { source: 'risk-office' });
    expect(tokenOnly.response.status).toBe(401);

    const both = await signed('/v1/incidents', nativeIncident([freshId()]), { headers: { authorization: `Bearer ${await harbor.token(Role.SourceSystem, 'rl-datix')}` } });
    expect(both.response.status).toBe(401);
    expect((await jsonOf(both.response)).detail).toContain('not both');
  });

  it('binds callers to their sources: a signed or token caller speaking for another source gets 403 and nothing is recorded', async () => {
    const foreign = nativeIncident([freshId()], { source: 'risk-mgmt' });
    const signedForeign = await signed('/v1/incidents', foreign);
    expect(signedForeign.response.status).toBe(403);
    expect((await jsonOf(signedForeign.response)).detail).toBe("source system 'rl-datix' may not submit records for source 'risk-mgmt'.");
    expect(await triggersFor('risk-mgmt', foreign.sourceEventId)).toHaveLength(0);

    const notice = (source: string) => ({
      source, noticeId: freshId('CLM'), receivedAt: '2026-11-25T09:00:00Z', kind: 'lawsuit', facility: 'general',
      namedClinicians: [{ identifier: { system: NPI, value: freshId() } }],
    });
    const asRiskOffice = { authorization: `Bearer ${await harbor.token(Role.SourceSystem, 'risk-office')}`, 'content-type': 'application/json' };
    const own = await fetch(`${harbor.urls.intake}/v1/lawsuits`, { method: 'POST', headers: asRiskOffice, body: JSON.stringify(notice('risk-mgmt')) });
    expect(own.status).toBe(202);
    const other = await fetch(`${harbor.urls.intake}/v1/lawsuits`, { method: 'POST', headers: asRiskOffice, body: JSON.stringify(notice('rl-datix')) });
    expect(other.status).toBe(403);

    const stranger = { authorization: `Bearer ${await harbor.token(Role.SourceSystem, 'unregistered-system')}`, 'content-type': 'application/json' };
    const strangerIncident = await fetch(`${harbor.urls.intake}/v1/incidents`, { method: 'POST', headers: stranger, body: JSON.stringify(nativeIncident([freshId()])) });
    expect(strangerIncident.status).toBe(403);
    expect((await jsonOf(strangerIncident)).detail).toContain("'unregistered-system' is not a registered source system");
    const strangerOptOut = await fetch(`${harbor.urls.intake}/v1/opt-outs`, { method: 'POST', headers: stranger, body: JSON.stringify({ identifier: { system: NPI, value: freshId() } }) });
    expect(strangerOptOut.status).toBe(403);

    // Program staff are not source systems: their referrals are recorded under their own name.
    const admin = { authorization: `Bearer ${await harbor.token(Role.ProgramAdmin, 'coordinator-7')}`, 'content-type': 'application/json' };
    const referral = await fetch(`${harbor.urls.intake}/v1/referrals`, {
      method: 'POST', headers: admin, body: JSON.stringify({ referredBy: 'manager', clinician: { system: NPI, value: freshId() }, facility: 'general' }),
    });
    expect(referral.status).toBe(202);
  });

  it('FHIR: a signed resource without meta.source is the caller’s; signature failures answer as OperationOutcome', async () => {
    const id = freshId('ae');
    const resource = {
      resourceType: 'AdverseEvent', id, actuality: 'actual', date: '2026-11-20T08:00:00Z',
      severity: { coding: [{ code: 'moderate' }] }, contributor: [{ identifier: { system: NPI, value: freshId() } }],
    };
    const created = await signed('/fhir/AdverseEvent', resource, { contentType: 'application/fhir+json' });
    expect(created.response.status).toBe(202);
    expect(await triggersFor('rl-datix', `AdverseEvent/${id}`)).toHaveLength(1);
    expect(await triggersFor('fhir', `AdverseEvent/${id}`)).toHaveLength(0);

    const replayed = await created.replay();
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('content-type')).toContain('application/fhir+json');
    expect((await jsonOf(replayed)).issue[0]).toMatchObject({ severity: 'error', code: 'login', diagnostics: expect.stringContaining('replay refused') });

    const foreign = await signed('/fhir/AdverseEvent', { ...resource, id: freshId('ae'), meta: { source: 'http://other-ehr.example.org' } }, { contentType: 'application/fhir+json' });
    expect(foreign.response.status).toBe(403);
    expect((await jsonOf(foreign.response)).issue[0].code).toBe('forbidden');
  });

  it('any forged signature headers are refused with 401, never a 5xx, and record nothing', async () => {
    const headerText = fc.string({ maxLength: 80 }).map((text) => text.replace(/[^\x20-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          source: fc.oneof(fc.constant('rl-datix'), fc.constant('risk-office'), headerText.filter((text) => text.trim().length > 0)),
          timestamp: fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), headerText),
          signature: fc.oneof(headerText.filter((text) => text.length > 0), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => `v1=${Buffer.from(bytes).toString('hex')}`)),
        }),
        async (forged) => {
          const incident = nativeIncident([freshId()]);
          const response = await fetch(`${harbor.urls.intake}/v1/incidents`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-harbor-source': forged.source, 'x-harbor-timestamp': forged.timestamp, 'x-harbor-signature': forged.signature },
            body: JSON.stringify(incident),
          });
          expect(response.status).toBe(401);
          expect(await triggersFor('rl-datix', incident.sourceEventId)).toHaveLength(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('signs the query string too: a signature cannot be moved to another URL; opt-outs and staff routes stay closed to sources', async () => {
    const incident = nativeIncident([freshId()]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = Buffer.from(JSON.stringify(incident));
    const signature = signRequest(DATIX_SECRET, { timestamp, method: 'POST', url: '/v1/incidents?batch=1', body });
    const moved = await fetch(`${harbor.urls.intake}/v1/incidents?batch=2`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-harbor-source': 'rl-datix', 'x-harbor-timestamp': timestamp, 'x-harbor-signature': signature },
    });
    expect(moved.status).toBe(401);
    expect(await triggersFor('rl-datix', incident.sourceEventId)).toHaveLength(0);

    // Opt-outs are the clinician's, recorded by program staff: a source system can neither add nor remove one.
    const value = freshId();
    const optIn = await signed(`/v1/opt-outs?system=${encodeURIComponent(NPI)}&value=${value}`, undefined, { method: 'DELETE' });
    expect(optIn.response.status).toBe(403);
    const optOut = await signed('/v1/opt-outs', { identifier: { system: NPI, value } });
    expect(optOut.response.status).toBe(403);
    const { rows } = await harbor.db.query(`SELECT 1 FROM "intake"."opt_outs" WHERE "identifier_value" = $1`, [value]);
    expect(rows).toEqual([]);

    const triage = await signed('/v1/triage', undefined, { method: 'GET' });
    expect(triage.response.status).toBe(403);
  });
});
