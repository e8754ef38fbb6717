import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { GroupDebriefChanged, StaffPageRequested, SupportRequested, SupportRequestedV1 } from '@harbor/contracts';
import { PurgeClosedCases } from '../../apps/matching/src/cases/purge-closed-cases.usecase';
import { HarborHarness } from '../support/harbor-harness';
import { MatchingDriver } from './matching-driver';

/**
 * Group debriefs in matching through real Kafka and Postgres, with two replicas consuming in small batches:
 * the tally counts distinct clinicians per (event, unit) whatever the order, redeliveries, second requests,
 * opt-outs or unknown clinicians, and never opens two debriefs for one event and unit; the threshold is the
 * program's; the coordinator (else the director) is paged; the tally is forgotten on time.
 */
describe('matching: group debriefs', () => {
  let harbor: HarborHarness;
  let replica: INestApplication;
  let driver: MatchingDriver;

  const request = (value: string, eventKey: string, overrides: Partial<SupportRequestedV1> = {}): SupportRequestedV1 => ({
    requestId: randomUUID(),
    clinician: { system: 'urn:test:employee', value },
    trigger: { kind: 'incident', category: 'unexpected-death', harmLevel: 'death', occurredAt: new Date().toISOString() },
    facility: 'general',
    department: 'icu',
    requestedAt: new Date().toISOString(),
    eventKey,
    ...overrides,
  });
  const debriefPages = (unit?: string) => driver.of(StaffPageRequested, (page) => page.kind === 'group-debrief-offer' && (!unit || page.unit === unit));
  const debriefsOf = async (eventKey: string) =>
    (await harbor.db.query(`SELECT "id", "unit", "clinicians", "program", "coordinators_paged" FROM "matching"."group_debriefs" WHERE "event_key" = $1`, [eventKey])).rows;
  const tallyOf = async (eventKey: string) =>
    (await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."group_debrief_tally" WHERE "event_key" = $1`, [eventKey])).rows[0].n;
  const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Waits until matching has handled every request id (a case or an absorption for each). */
  const handled = async (requestIds: string[]) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await harbor.db.query(
        `SELECT (SELECT count(*) FROM "matching"."cases" WHERE "request_id" = ANY($1)) + (SELECT count(*) FROM "matching"."absorbed_requests" WHERE "request_id" = ANY($1)) AS n`,
        [requestIds],
      );
      if (Number(rows[0].n) >= new Set(requestIds).size) return;
      if (Date.now() > deadline) throw new Error('requests not handled in time');
      await settle(200);
    }
  };

  beforeAll(async () => {
    const serviceEnv = { matching: { MATCHING_SCHEDULER_TICK_MS: '200', KAFKA_CONSUMER_BATCH_SIZE: '5' } };
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv });
    replica = await harbor.startReplica('matching', { serviceEnv });
    driver = new MatchingDriver(harbor);
    await driver.start();
    expect((await driver.admin('/v1/policy', 'PUT', { ackTimeoutSeconds: 3600, overallDeadlineSeconds: 7200, maxOffers: 5 })).status).toBe(200);
    expect((await driver.admin('/v1/program-staff/coord-default', 'PUT', {
      program: 'default', role: 'on-call-coordinator', displayName: 'Coordinator', channels: [{ kind: 'sms', address: '+15550008888' }],
    })).status).toBe(201);
    for (const id of ['gd-a', 'gd-b', 'gd-c', 'gd-d']) await driver.supporter(id, { maxOpenCases: 20, department: 'oncology' });
  });

  afterAll(async () => {
    await driver?.stop();
    await replica?.close();
    await harbor?.stop();
  });

  it('counts each clinician once through redeliveries and second requests, and opens one debrief at the third', async () => {
    await driver.clinician('GD-1', { department: 'ICU' });
    await driver.clinician('GD-2', { department: 'icu' });
    await driver.clinician('GD-3', { department: 'Icu ' });
    const event = randomUUID();
    const first = request('GD-1', event);
    // The same request redelivered (same request id, new message id) and a second request for the same person.
    await driver.produce(SupportRequested, first);
    await driver.produce(SupportRequested, first);
    const again = request('GD-1', event);
    await driver.produce(SupportRequested, again);
    const second = request('GD-2', event);
    await driver.produce(SupportRequested, second);
    await handled([first.requestId, again.requestId, second.requestId]);
    await settle();
    expect(await tallyOf(event)).toBe(2);
    expect(await debriefsOf(event)).toEqual([]);

    const third = request('GD-3', event);
    await driver.produce(SupportRequested, third);
    const [page] = await driver.next(StaffPageRequested, (p) => p.kind === 'group-debrief-offer' && p.unit === 'icu', 'the debrief page');
    expect(page.payload).toMatchObject({ recipientId: 'coord-default', channels: [{ kind: 'sms', address: '+15550008888' }] });
    const [debrief] = await debriefsOf(event);
    expect(debrief).toMatchObject({ unit: 'icu', clinicians: 3, program: 'default', coordinators_paged: 1 });
    expect(page.payload.caseId).toBe(debrief.id);
    const [offered] = await driver.next(GroupDebriefChanged, (change) => change.debriefId === debrief.id, 'the debrief lifecycle event');
    expect(offered.payload).toEqual({ debriefId: debrief.id, status: 'offered', facility: 'general', clinicians: 3, at: expect.any(String) });

    // Redelivering all three changes nothing.
    for (const repeat of [first, second, third]) await driver.produce(SupportRequested, repeat);
    await settle(2000);
    expect(await debriefsOf(event)).toHaveLength(1);
    expect(debriefPages('icu')).toHaveLength(1);
  });

  it('counts opted-out and unknown clinicians for the event\'s unit: the debrief is for the unit', async () => {
    await driver.clinician('GD-10', { department: 'ward-4', optedOut: true });
    await driver.clinician('GD-11', { department: 'ward-4' });
    const event = randomUUID();
    // GD-12 is unknown to the directory: counted for the event's department.
    const requests = [request('GD-10', event, { department: 'ward-4' }), request('GD-11', event, { department: 'ward-4' }), request('GD-12', event, { department: 'ward-4' })];
    for (const r of requests) await driver.produce(SupportRequested, r);
    await driver.next(StaffPageRequested, (p) => p.kind === 'group-debrief-offer' && p.unit === 'ward-4', 'the ward-4 debrief page');
    expect(await debriefsOf(event)).toEqual([expect.objectContaining({ unit: 'ward-4', clinicians: 3 })]);
  });

  it('never opens two debriefs for one event and unit when its requests arrive at once on two replicas', async () => {
    const event = randomUUID();
    const values = ['GD-20', 'GD-21', 'GD-22', 'GD-23', 'GD-24', 'GD-25'];
    for (const value of values) await driver.clinician(value, { department: 'nicu' });
    const requests = values.map((value) => request(value, event, { department: 'nicu' }));
    await Promise.all([...requests, ...requests].map((r) => driver.produce(SupportRequested, r)));
    await handled(requests.map((r) => r.requestId));
    await settle(2000);
    expect(await tallyOf(event)).toBe(6);
    expect(await debriefsOf(event)).toEqual([expect.objectContaining({ unit: 'nicu', clinicians: 3 })]);
    expect(debriefPages('nicu')).toHaveLength(1);
  });

  it('uses the program\'s own threshold, pages the director when there is no coordinator, and refuses a threshold out of range', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', { program: 'small', facilities: ['clinic'], groupDebriefMinClinicians: 1 })).status).toBe(422);
    const put = await driver.admin('/v1/policy', 'PUT', { program: 'small', facilities: ['clinic'], groupDebriefMinClinicians: 2 });
    expect(put.status).toBe(200);
    expect(put.body.policy.groupDebriefMinClinicians).toBe(2);
    expect((await driver.admin('/v1/policy', 'GET')).body.defaults.groupDebriefMinClinicians).toBe(3);
    expect((await driver.admin('/v1/program-staff/dir-small', 'PUT', {
      program: 'small', role: 'director', displayName: 'Director', channels: [{ kind: 'email', address: 'director@example.org' }],
    })).status).toBe(201);
    const event = randomUUID();
    for (const value of ['GD-30', 'GD-31']) await driver.produce(SupportRequested, request(value, event, { facility: 'clinic', department: 'dialysis' }));
    const [page] = await driver.next(StaffPageRequested, (p) => p.kind === 'group-debrief-offer' && p.unit === 'dialysis', 'the small program\'s debrief page');
    expect(page.payload.recipientId).toBe('dir-small');
    expect(await debriefsOf(event)).toEqual([expect.objectContaining({ program: 'small', clinicians: 2 })]);
  });

  it('forgets the tally and which clinicians each event named after the case retention, keeping the debriefs', async () => {
    const named = async () => (await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."event_clinicians"`)).rows[0].n;
    const namedBefore = await named();
    expect(namedBefore).toBeGreaterThan(0);
    const before = (await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."group_debrief_tally"`)).rows[0].n;
    expect(before).toBeGreaterThan(0);
    await harbor.apps.matching.get(PurgeClosedCases).execute(new Date(Date.now() + 29 * 86_400_000));
    expect((await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."group_debrief_tally"`)).rows[0].n).toBe(before);
    expect(await named()).toBe(namedBefore);
    await harbor.apps.matching.get(PurgeClosedCases).execute(new Date(Date.now() + 31 * 86_400_000));
    expect((await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."group_debrief_tally"`)).rows[0].n).toBe(0);
    expect(await named()).toBe(0);
    expect((await driver.admin('/v1/debriefs', 'GET')).body.debriefs.length).toBe(4);
  });
});
