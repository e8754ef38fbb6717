import { INestApplication } from '@nestjs/common';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { freshId, jsonOf, nativeIncident, NPI, post, supportRequestsFor, waitForClinician } from './intake-helpers';

/**
 * Program staff change who is served (`PUT /v1/trigger-policy`) and intake decides by it: the configured
 * INTAKE_* values are the defaults, stored overrides win field by field, and both replicas decide by a change
 * as soon as it is committed (the policy is read in each trigger's transaction, never cached).
 */
describe('the trigger policy set by program staff', () => {
  let harbor: HarborHarness;
  let replica: INestApplication;
  let replicaUrl: string;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'], serviceEnv: { intake: { INTAKE_MIN_HARM_LEVEL: 'mild', INTAKE_COOLDOWN_HOURS: '72' } } });
    replica = await harbor.startReplica('intake', { serviceEnv: { intake: { INTAKE_MIN_HARM_LEVEL: 'mild', INTAKE_COOLDOWN_HOURS: '72' } } });
    replicaUrl = (await replica.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await replica?.close();
    await harbor?.stop();
  });

  const put = async (body: unknown, role: Role | 'anonymous' = Role.ProgramDirector) =>
    harbor.request('intake', '/v1/trigger-policy', { method: 'PUT', role: role === 'anonymous' ? undefined : role, body: JSON.stringify(body) });
  const fieldsOf = async (response: Response) => (await jsonOf(response)).errors.map((error: { field: string }) => error.field);

  /** An incident of this harm through the given instance; resolves to the one clinician's stored decision. */
  const decisionFor = async (harmLevel: string, via: 'primary' | 'replica') => {
    const value = freshId('tp');
    const body = JSON.stringify(nativeIncident([value], { harmLevel }));
    const response =
      via === 'primary'
        ? await post(harbor, '/v1/incidents', body)
        : await fetch(`${replicaUrl}/v1/incidents`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${await harbor.token(Role.SourceSystem)}` } });
    expect(response.status).toBe(202);
    const [row] = await waitForClinician(harbor, NPI, value);
    return { decision: row.decision, requests: (await supportRequestsFor(harbor, value)).length };
  };

  it('starts as the configuration, with nothing overridden', async () => {
    const response = await harbor.request('intake', '/v1/trigger-policy', { role: Role.ProgramAdmin });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ minHarmLevel: 'mild', cooldownHours: 72, servedProfessions: ['all'], overridden: [], setBy: 'configuration' });
  });

  it('only program admins and directors may change it', async () => {
    expect((await put({ minHarmLevel: 'death' }, 'anonymous')).status).toBe(401);
    for (const role of [Role.SourceSystem, Role.Supporter]) expect((await put({ minHarmLevel: 'death' }, role)).status).toBe(403);
    expect((await harbor.request('intake', '/v1/trigger-policy', { role: Role.Supporter })).status).toBe(403);
    expect((await jsonOf(await harbor.request('intake', '/v1/trigger-policy', { role: Role.ProgramAdmin }))).minHarmLevel).toBe('mild');
  });

  it.each([
    [{ outreachCategories: ['medication-error', 'gossip'] }, 'outreachCategories'],
    [{ servedProfessions: ['astronaut'] }, 'servedProfessions'],
    [{ servedProfessions: [] }, 'servedProfessions'],
    [{ lawsuitKinds: ['parking-ticket'] }, 'lawsuitKinds'],
    [{ minHarmLevel: 'catastrophic' }, 'minHarmLevel'],
    [{ minHarmLevel: 3 }, 'minHarmLevel'],
    [{ cooldownHours: -1 }, 'cooldownHours'],
    [{ cooldownHours: 1.5 }, 'cooldownHours'],
    [{ cooldownHours: 24 * 365 }, 'cooldownHours'],
  ])('refuses %j with a 422 naming %s, and changes nothing', async (body, field) => {
    const response = await put(body);
    expect(response.status).toBe(422);
    expect(await fieldsOf(response)).toContain(field);
    expect((await jsonOf(await harbor.request('intake', '/v1/trigger-policy', { role: Role.ProgramAdmin }))).overridden).toEqual([]);
  });

  it('a raised harm threshold set on one replica decides the next incidents on both; earlier ones keep their decision', async () => {
    const before = await decisionFor('moderate', 'primary');
    expect(before).toEqual({ decision: 'outreach', requests: 1 });

    const response = await fetch(`${replicaUrl}/v1/trigger-policy`, {
      method: 'PUT',
      body: JSON.stringify({ minHarmLevel: 'severe' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await harbor.token(Role.ProgramDirector)}` },
    });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ minHarmLevel: 'severe', cooldownHours: 72, overridden: ['minHarmLevel'], setBy: 'program' });

    for (const via of ['primary', 'replica'] as const) {
      expect(await decisionFor('moderate', via)).toEqual({ decision: 'below-harm-threshold', requests: 0 });
      expect(await decisionFor('severe', via)).toEqual({ decision: 'outreach', requests: 1 });
    }
    const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."trigger_clinicians" WHERE "decision" = 'outreach' AND "identifier_value" LIKE 'tp-%'`);
    expect(rows[0].n).toBe(3);
  });

  it('overrides field by field; null puts a field back to the configuration', async () => {
    const set = await jsonOf(await put({ outreachCategories: ['fall-with-harm'], cooldownHours: 0 }));
    expect(set).toMatchObject({ minHarmLevel: 'severe', outreachCategories: ['fall-with-harm'], cooldownHours: 0 });
    expect(set.overridden.sort()).toEqual(['cooldownHours', 'minHarmLevel', 'outreachCategories']);
    expect(await decisionFor('severe', 'primary')).toEqual({ decision: 'category-excluded', requests: 0 });

    const reset = await put({ outreachCategories: null, minHarmLevel: null, cooldownHours: null }, Role.ProgramAdmin);
    expect(reset.status).toBe(200);
    expect(await jsonOf(reset)).toMatchObject({ minHarmLevel: 'mild', cooldownHours: 72, overridden: [], setBy: 'configuration' });
    expect(await decisionFor('moderate', 'replica')).toEqual({ decision: 'outreach', requests: 1 });
  });
});
