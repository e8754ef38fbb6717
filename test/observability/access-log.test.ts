import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';

interface AccessLine {
  msg: string;
  level: string;
  service: string;
  requestId: string;
  method: string;
  route: string;
  path: string;
  status: number;
  durationMs: number;
}

/**
 * One access log line per request, with the request's correlation id, and nothing in it that is a credential
 * or names a clinician: the signed link's token, a query string, a body.
 */
describe('access logs', () => {
  let harbor: HarborHarness;
  const accessLines = () => harbor.logs.lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request completed' || line.msg === 'request failed') as AccessLine[];
  const lineFor = (requestId: string) => waitFor(async () => accessLines().find((line) => line.requestId === requestId), `the access log line of ${requestId}`);
  const call = async (service: 'intake' | 'notification', path: string, init: RequestInit & { role?: Role } = {}) => {
    const requestId = randomUUID();
    const response = await harbor.request(service, path, { ...init, headers: { ...init.headers, 'x-correlation-id': requestId } });
    return { status: response.status, line: await lineFor(requestId) };
  };

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake', 'notification'] });
  });
  afterAll(async () => harbor?.stop());

  it('logs a signed link by its route, never its token', async () => {
    const token = `0f3c9a7e-2d4b-4e6f-9a1b-7c8d9e0f1a2b.${Math.floor(Date.now() / 1000) + 3600}.c2lnbmF0dXJlLXRoYXQtaXMtYS1jcmVkZW50aWFs`;
    const viewed = await call('notification', `/a/${token}`);
    expect(viewed.line).toMatchObject({ service: 'notification', method: 'GET', route: '/a/:token', path: '/a/:token', status: viewed.status, level: 'info' });
    expect(typeof viewed.line.durationMs).toBe('number');
    const answered = await call('notification', `/a/${token}`, { method: 'POST', body: JSON.stringify({ decision: 'accept' }), headers: { 'content-type': 'application/json' } });
    expect(answered.line).toMatchObject({ method: 'POST', route: '/a/:token', path: '/a/:token' });
    // A path no route matches can hold anything: only its first segment is logged.
    const unmatched = await call('notification', `/a/${token}/extra?x=${token}`);
    expect(unmatched.line).toMatchObject({ route: 'unmatched', path: '/a/…', status: 404 });
    expect(harbor.logs.containing('c2lnbmF0dXJlLXRoYXQtaXMtYS1jcmVkZW50aWFs')).toEqual([]);
    expect(harbor.logs.containing(token.slice(0, 36))).toEqual([]);
  });

  it('logs no query string (an opt-out names the clinician in it), and intake\'s routes under their shared labels', async () => {
    const removed = await call('intake', '/v1/opt-outs?system=urn%3Ahospital%3Aemployee&value=OPTOUT-SECRET-7731', { method: 'DELETE', role: Role.ProgramAdmin });
    expect(removed.status).toBe(204);
    expect(removed.line).toMatchObject({ method: 'DELETE', route: 'program-staff-request', path: 'program-staff-request', status: 204 });
    const refused = await call('intake', '/v1/lawsuits', { method: 'POST', role: Role.SourceSystem, body: JSON.stringify({ narrative: 'NARRATIVE-SECRET', kind: 'lawsuit' }) });
    expect(refused.status).toBe(422);
    expect(refused.line).toMatchObject({ method: 'POST', route: 'trigger-submission', status: 422 });
    expect(harbor.logs.containing('OPTOUT-SECRET-7731')).toEqual([]);
    expect(harbor.logs.containing('NARRATIVE-SECRET')).toEqual([]);
  });

  it('logs requests refused before routing and ids in routed paths, with the correlation id the caller sent', async () => {
    const tooLarge = await call('intake', '/v1/incidents', { method: 'POST', role: Role.SourceSystem, body: JSON.stringify({ padding: 'x'.repeat(300_000) }) });
    expect(tooLarge).toMatchObject({ status: 413, line: { route: 'unmatched', path: '/v1/…', status: 413 } });
    const missing = randomUUID();
    const triage = await call('intake', `/v1/triage/${missing}/dismiss`, { method: 'POST', role: Role.ProgramAdmin });
    expect(triage.line).toMatchObject({ route: 'program-staff-request', status: triage.status });
    const unauthenticated = await call('intake', `/v1/triage/${missing}/assign`, { method: 'POST' });
    expect(unauthenticated.line).toMatchObject({ status: 401 });
    // The header's value is what correlates the line with the events the request caused.
    expect(unauthenticated.line.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not log health probes', async () => {
    const requestId = randomUUID();
    await harbor.request('intake', '/health/ready', { headers: { 'x-correlation-id': requestId } });
    await harbor.request('intake', '/v1/triage', { headers: { 'x-correlation-id': 'after-the-probe' } });
    await lineFor('after-the-probe');
    expect(accessLines().filter((line) => line.requestId === requestId)).toEqual([]);
  });
});
