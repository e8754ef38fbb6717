import { IntakeEnv } from '../../../apps/intake/src/intake.env';
import { INTAKE_MIGRATIONS } from '../../../apps/intake/src/migrations';
import { OptOutStore } from '../../../apps/intake/src/opt-outs/opt-out-store';
import { NormalizedTrigger } from '../../../apps/intake/src/triggers/normalized-trigger';
import { TriggerStore } from '../../../apps/intake/src/triggers/trigger-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const EMPLOYEE = 'urn:test:employee';

/** Intake's stores on a real schema without Kafka: each source event once, decisions per clinician, the cooldown's memory. */
describe('intake stores (Postgres only)', () => {
  let database: ServiceDatabase<IntakeEnv>;
  const triggers = new TriggerStore();
  let optOuts: OptOutStore;

  beforeAll(async () => {
    database = await openServiceDatabase(IntakeEnv, 'intake', INTAKE_MIGRATIONS);
    optOuts = new OptOutStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  const incident = (sourceEventId: string, changes: Partial<NormalizedTrigger> = {}): NormalizedTrigger => ({
    kind: 'incident', source: 'rl-datix', sourceEventId, category: 'medication-error', harmLevel: 'moderate', facility: 'north',
    department: 'icu', occurredAt: '2026-11-20T08:00:00Z', reportedAt: '2026-11-20T09:00:00Z', clinicians: [], unidentified: [], ...changes,
  });

  it('keeps one trigger per source event and lets a re-sent event update what it says about itself', async () => {
    const first = await triggers.upsert(database.dataSource.manager, incident('E-1'));
    const again = await triggers.upsert(database.dataSource.manager, incident('E-1', { harmLevel: 'severe', withdrawn: true }));
    expect(again).toEqual({ ...first, harmLevel: 'severe', withdrawn: true });
    expect(first).toMatchObject({ kind: 'incident', category: 'medication-error', facility: 'north', occurredAt: '2026-11-20T08:00:00.000Z' });
    const other = await triggers.upsert(database.dataSource.manager, incident('E-2'));
    expect(other.id).not.toBe(first.id);
  });

  it('records each clinician\'s decision once per trigger, and remembers requests for the cooldown', async () => {
    const manager = database.dataSource.manager;
    const trigger = await triggers.upsert(manager, incident('E-3'));
    const clinician = { system: EMPLOYEE, value: 'C-3' };
    expect(await triggers.findClinician(manager, trigger.id, clinician)).toBeUndefined();
    expect(await triggers.requestedWithin(manager, clinician, 72)).toBe(false);

    await triggers.saveClinician(manager, trigger.id, clinician, { decision: 'below-harm-threshold', requestId: null });
    expect(await triggers.requestedWithin(manager, clinician, 72)).toBe(false);
    await triggers.saveClinician(manager, trigger.id, clinician, { decision: 'outreach', requestId: '6f0c6f0e-2f43-4cb4-9a43-5a3c1c0c8f11' });
    expect(await triggers.findClinician(manager, trigger.id, clinician)).toEqual({ decision: 'outreach', requestId: '6f0c6f0e-2f43-4cb4-9a43-5a3c1c0c8f11' });
    expect(await triggers.requestedWithin(manager, clinician, 72)).toBe(true);
    expect(await triggers.requestedWithin(manager, { system: EMPLOYEE, value: 'someone-else' }, 72)).toBe(false);
  });

  it('keeps an opt-out until it is removed, idempotently', async () => {
    const manager = database.dataSource.manager;
    const clinician = { system: EMPLOYEE, value: 'C-4' };
    await optOuts.add(clinician);
    await optOuts.add(clinician);
    expect(await optOuts.isOptedOut(manager, clinician)).toBe(true);
    await optOuts.remove(clinician);
    await optOuts.remove(clinician);
    expect(await optOuts.isOptedOut(manager, clinician)).toBe(false);
  });
});
