import { IntakeEnv } from '../../../apps/intake/src/intake.env';
import { INTAKE_MIGRATIONS } from '../../../apps/intake/src/migrations';
import { OptOutStore } from '../../../apps/intake/src/opt-outs/opt-out-store';
import { NormalizedTrigger } from '../../../apps/intake/src/triggers/normalized-trigger';
import { TriggerStore } from '../../../apps/intake/src/triggers/trigger-store';
import { databaseRoundTrips, runExclusively } from '@harbor/persistence';
import { OutboxWriter, TopicNames } from '@harbor/messaging';
import { OutreachSettings, triggerPolicyFrom } from '../../../apps/intake/src/intake.settings';
import { RecordTrigger } from '../../../apps/intake/src/triggers/record-trigger.usecase';
import { TriggerPolicyStore } from '../../../apps/intake/src/triggers/trigger-policy-store';
import { TriageStore } from '../../../apps/intake/src/triage/triage-store';
import { US_NPI_OID, US_NPI_SYSTEM } from '@harbor/contracts';
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
    expect(await triggers.clinicianStanding(manager, trigger.id, clinician, 72)).toEqual({ known: undefined, recentlyRequested: false, optedOut: false });

    await triggers.saveClinician(manager, trigger.id, clinician, { decision: 'below-harm-threshold', requestId: null });
    expect(await triggers.clinicianStanding(manager, trigger.id, clinician, 72)).toEqual({
      known: { decision: 'below-harm-threshold', requestId: null }, recentlyRequested: false, optedOut: false,
    });
    await triggers.saveClinician(manager, trigger.id, clinician, { decision: 'outreach', requestId: '6f0c6f0e-2f43-4cb4-9a43-5a3c1c0c8f11' });
    expect(await triggers.clinicianStanding(manager, trigger.id, clinician, 72)).toEqual({
      known: { decision: 'outreach', requestId: '6f0c6f0e-2f43-4cb4-9a43-5a3c1c0c8f11' }, recentlyRequested: true, optedOut: false,
    });
    // The cooldown counts requests by any trigger: another trigger naming the same clinician sees this one's.
    const later = await triggers.upsert(manager, incident('E-3b'));
    expect(await triggers.clinicianStanding(manager, later.id, clinician, 72)).toEqual({ known: undefined, recentlyRequested: true, optedOut: false });
    expect(await triggers.clinicianStanding(manager, later.id, clinician, 0)).toEqual({ known: undefined, recentlyRequested: false, optedOut: false });
    expect((await triggers.clinicianStanding(manager, later.id, { system: EMPLOYEE, value: 'someone-else' }, 72)).recentlyRequested).toBe(false);
  });

  it('records a trigger naming two clinicians in 5 round trips (11 statements): each clinician\'s lock and record travel with the next statement', async () => {
    const dataSource = database.dataSource;
    const recordTrigger = new RecordTrigger(
      new OutboxWriter('intake', 'harbor/intake', new TopicNames('')),
      new TriggerPolicyStore(dataSource, new OutreachSettings(triggerPolicyFrom(database.env), database.env.INTAKE_COOLDOWN_HOURS)),
      dataSource, triggers, new TriageStore(dataSource),
    );
    const named = incident('E-round-trips', { harmLevel: 'severe', clinicians: [{ identifier: { system: EMPLOYEE, value: 'RT-A' } }, { identifier: { system: EMPLOYEE, value: 'RT-B' } }] });
    const before = databaseRoundTrips();
    const result = await recordTrigger.executeInOwnTransaction(named);
    // BEGIN with the upsert; the policy; A's standing with A's lock; B's standing with A's record and B's lock; COMMIT with
    // B's record and both support requests (the outbox).
    expect(databaseRoundTrips() - before).toBe(5);
    expect(result.requestIds).toHaveLength(2);
    // The locks and records ran, in order: both clinicians are recorded with their requests, and the cooldown sees them.
    for (const value of ['RT-A', 'RT-B']) {
      const standing = await triggers.clinicianStanding(dataSource.manager, result.triggerId, { system: EMPLOYEE, value }, 72);
      expect(standing).toEqual({ known: { decision: 'outreach', requestId: expect.any(String) }, recentlyRequested: true, optedOut: false });
    }
    const outbox = await dataSource.query(`SELECT count(*)::int AS n FROM "intake"."outbox" WHERE "payload"->>'eventKey' = $1`, [result.triggerId]);
    expect(outbox).toEqual([{ n: 2 }]);
  });

  it('keeps an opt-out until it is removed, idempotently, and the clinician\'s standing reads it', async () => {
    const manager = database.dataSource.manager;
    const clinician = { system: EMPLOYEE, value: 'C-4' };
    const trigger = await triggers.upsert(manager, incident('E-4'));
    const optedOut = async () => (await triggers.clinicianStanding(manager, trigger.id, clinician, 72)).optedOut;
    await optOuts.add(clinician);
    await optOuts.add(clinician);
    expect(await optOuts.since(clinician)).toBeInstanceOf(Date);
    expect(await optedOut()).toBe(true);
    // Another system's identifier with the same value is someone else.
    expect((await triggers.clinicianStanding(manager, trigger.id, { system: 'urn:other', value: 'C-4' }, 72)).optedOut).toBe(false);
    await optOuts.remove(clinician);
    await optOuts.remove(clinician);
    expect(await optOuts.since(clinician)).toBeUndefined();
    expect(await optedOut()).toBe(false);
  });
  it('holds an opt-out and the cooldown whichever spelling of the NPI system a source uses', async () => {
    const manager = database.dataSource.manager;
    const asUri = { system: US_NPI_SYSTEM, value: '1234567893' };
    const asOid = { system: US_NPI_OID, value: '1234567893' };
    const trigger = await triggers.upsert(manager, incident('E-NPI-1'));
    await optOuts.add(asUri);
    expect((await triggers.clinicianStanding(manager, trigger.id, asOid, 72)).optedOut).toBe(true);
    expect(await optOuts.since(asOid)).toBeInstanceOf(Date);
    await optOuts.remove(asOid);
    expect(await optOuts.since(asUri)).toBeUndefined();
    expect((await triggers.clinicianStanding(manager, trigger.id, asUri, 72)).optedOut).toBe(false);

    // Support requested for the URI form: a later trigger naming the OID form is within the cooldown.
    await triggers.saveClinician(manager, trigger.id, asUri, { decision: 'outreach', requestId: '0b9d8a52-8a7b-4f51-9f0e-2a4d2d5f3c11' });
    const later = await triggers.upsert(manager, incident('E-NPI-2'));
    expect(await triggers.clinicianStanding(manager, later.id, asOid, 72)).toEqual({ known: undefined, recentlyRequested: true, optedOut: false });
    // Another system with the same value is still someone else.
    expect((await triggers.clinicianStanding(manager, later.id, { system: EMPLOYEE, value: '1234567893' }, 72)).recentlyRequested).toBe(false);
  });

  it('forgets the clinicians of triggers unchanged since the cutoff, and says so to a late update', async () => {
    const manager = database.dataSource.manager;
    const old = await triggers.upsert(manager, incident('E-OLD'));
    const recent = await triggers.upsert(manager, incident('E-RECENT'));
    const identifier = { system: EMPLOYEE, value: 'forget-me' };
    await triggers.saveClinician(manager, old.id, identifier, { decision: 'outreach', requestId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0001' });
    await triggers.saveClinician(manager, recent.id, identifier, { decision: 'outreach', requestId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0002' });
    await manager.query(`UPDATE "intake"."triggers" SET "updated_at" = now() - interval '40 days' WHERE "id" = $1`, [old.id]);

    expect(await triggers.purgeCliniciansBefore(manager, new Date(Date.now() - 30 * 86_400_000), 100)).toBe(1);
    expect((await triggers.clinicianStanding(manager, old.id, identifier, 72)).known).toBeUndefined();
    expect((await triggers.clinicianStanding(manager, recent.id, identifier, 72)).known).toEqual({ decision: 'outreach', requestId: '6a4b9f0e-6d55-4d59-9a39-7d8a8f1c0002' });
    // Purged once: the next run finds nothing more to do.
    expect(await triggers.purgeCliniciansBefore(manager, new Date(Date.now() - 30 * 86_400_000), 100)).toBe(0);
    expect((await triggers.upsert(manager, incident('E-OLD', { harmLevel: 'death' }))).cliniciansPurged).toBe(true);
    expect((await triggers.upsert(manager, incident('E-RECENT', { harmLevel: 'death' }))).cliniciansPurged).toBe(false);
  });

  it('runs a recurring job in one replica at a time: a second run while the first holds it skips its turn', async () => {
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = runExclusively(database.dataSource, 'medium-test-job', async () => {
      firstStarted();
      await firstHolds;
      return 'first';
    });
    await started;
    expect(await runExclusively(database.dataSource, 'medium-test-job', async () => 'second')).toEqual({ ran: false });
    expect(await runExclusively(database.dataSource, 'another-job', async () => 'other')).toEqual({ ran: true, result: 'other' });
    releaseFirst();
    expect(await first).toEqual({ ran: true, result: 'first' });
    expect(await runExclusively(database.dataSource, 'medium-test-job', async () => 'after')).toEqual({ ran: true, result: 'after' });
  });
});
