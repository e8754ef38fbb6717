import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { AssignmentOffered, CaseLifecycle, IdentifierV1, StaffPageRequested, SupportRequested, SupportRequestedV1, TriggerV1 } from '@harbor/contracts';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { MatchingDriver } from './matching-driver';

const EMPLOYEE = 'urn:test:employee';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const BADGE = 'urn:test:badge';
const employee = (value: string): IdentifierV1 => ({ system: EMPLOYEE, value });

function supportRequest(clinician: IdentifierV1, trigger: Partial<TriggerV1> = {}): SupportRequestedV1 {
  return {
    requestId: randomUUID(),
    clinician,
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString(), ...trigger },
    facility: 'general',
    requestedAt: new Date().toISOString(),
  };
}

/**
 * One clinician, several triggers, through real Kafka and Postgres with two matching replicas consuming in
 * batches: a request for a clinician with an open case is absorbed into it (no new case, no offer, no page),
 * whatever identifier it names; a self-referral still opens its own case; once the case has ended, the next
 * request opens a new one. Each request is waited for in matching's processed_messages (committed together
 * with its effects), so "nothing happened" is asserted after the request was applied, not before.
 */
describe('matching: an open case absorbs new triggers for the same clinician', () => {
  let harbor: HarborHarness;
  let replica: INestApplication;
  let driver: MatchingDriver;

  /** Publishes requests (all at once) and waits until matching has applied every one of them. */
  async function deliver(...requests: SupportRequestedV1[]): Promise<void> {
    const eventIds = await Promise.all(requests.map((request) => driver.produce(SupportRequested, request)));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."processed_messages" WHERE "event_id" = ANY($1)`, [eventIds]);
      return rows[0].n === eventIds.length;
    }, `${eventIds.length} support request(s) applied`);
  }

  async function casesOf(clinicianId: string): Promise<{ id: string; status: string; category: string }[]> {
    const { rows } = await harbor.db.query(
      `SELECT "id", "status", "category" FROM "matching"."cases" WHERE "clinician_id" = $1 ORDER BY "created_at", "id"`, [clinicianId],
    );
    return rows;
  }

  async function casesOfUnknown(value: string): Promise<{ id: string; status: string }[]> {
    const { rows } = await harbor.db.query(
      `SELECT "id", "status" FROM "matching"."cases" WHERE "identifier_system" = $1 AND "identifier_value" = $2 ORDER BY "created_at", "id"`,
      [EMPLOYEE, value],
    );
    return rows;
  }

  async function absorbedInto(caseId: string): Promise<string[]> {
    const { rows } = await harbor.db.query(
      `SELECT "request_id" FROM "matching"."absorbed_requests" WHERE "case_id" = $1 ORDER BY "absorbed_at", "request_id"`, [caseId],
    );
    return rows.map((row) => row.request_id);
  }

  async function offersFor(caseId: string): Promise<number> {
    const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."assignments" WHERE "case_id" = $1`, [caseId]);
    return rows[0].n;
  }

  /** Events matching wrote for a case (its outbox is the record of everything it published or will publish). */
  async function eventsFor(caseId: string, definition: { topic: string }): Promise<number> {
    const { rows } = await harbor.db.query(
      `SELECT count(*)::int AS n FROM "matching"."outbox" WHERE "key" = $1 AND "topic" = $2`, [caseId, harbor.topic(definition.topic)],
    );
    return rows[0].n;
  }

  beforeAll(async () => {
    const serviceEnv = { matching: { MATCHING_SCHEDULER_TICK_MS: '200', KAFKA_CONSUMER_BATCH_SIZE: '5' } };
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv });
    replica = await harbor.startReplica('matching', { serviceEnv });
    driver = new MatchingDriver(harbor);
    await driver.start();
    // Nothing times out while a test looks: offers wait an hour, escalation two.
    expect((await driver.admin('/v1/policy', 'PUT', { ackTimeoutSeconds: 3600, overallDeadlineSeconds: 7200, maxOffers: 5 })).status).toBe(200);
    expect((await driver.admin('/v1/program-staff/coord-default', 'PUT', {
      program: 'default', role: 'on-call-coordinator', displayName: 'Default Coordinator', channels: [{ kind: 'sms', address: '+15550008888' }],
    })).status).toBe(201);
    for (const id of ['abs-a', 'abs-b', 'abs-c', 'abs-d']) await driver.supporter(id, { maxOpenCases: 10 });
  });

  afterAll(async () => {
    await driver?.stop();
    await replica?.close();
    await harbor?.stop();
  });

  it('absorbs a second request while the case is open: no second case, no second offer, recorded and shown to staff', async () => {
    const clinicianId = await driver.clinician('ABS-7731', { identifiers: [employee('ABS-7731'), { system: NPI, value: '9876543210' }] });
    const first = supportRequest(employee('ABS-7731'));
    await deliver(first);
    const [kase] = await casesOf(clinicianId);
    expect(kase.status).toBe('offered');

    const lawsuit = supportRequest(employee('ABS-7731'), { kind: 'lawsuit', category: 'deposition', harmLevel: undefined, occurredAt: '2026-01-05T10:00:00.000Z' });
    await deliver(lawsuit);
    // The same person under an identifier the directory maps to them: the same open case.
    const viaNpi = supportRequest({ system: NPI, value: '9876543210' }, { category: 'staff-assault', harmLevel: 'moderate', occurredAt: '2026-01-06T08:30:00.000Z' });
    await deliver(viaNpi);

    expect(await casesOf(clinicianId)).toEqual([expect.objectContaining({ id: kase.id, status: 'offered' })]);
    expect(await absorbedInto(kase.id)).toEqual([lawsuit.requestId, viaNpi.requestId]);
    expect(await offersFor(kase.id)).toBe(1);
    expect(await eventsFor(kase.id, AssignmentOffered)).toBe(1);
    expect(await eventsFor(kase.id, StaffPageRequested)).toBe(0);
    expect(await eventsFor(kase.id, CaseLifecycle)).toBe(2); // requested, offered: absorption changes no status
    await driver.next(AssignmentOffered, (offer) => offer.caseId === kase.id, 'the one offer');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(driver.of(AssignmentOffered, (offer) => offer.caseId === kase.id)).toHaveLength(1);

    // Program staff see what the case absorbed: kind, category, harm and time, never an identifier.
    const detail = await driver.admin(`/v1/cases/${kase.id}`, 'GET');
    expect(detail.status).toBe(200);
    expect(detail.body.absorbed).toEqual({
      count: 2,
      triggers: [
        { kind: 'lawsuit', category: 'deposition', harmLevel: null, occurredAt: '2026-01-05T10:00:00.000Z', absorbedAt: expect.any(String) },
        { kind: 'incident', category: 'staff-assault', harmLevel: 'moderate', occurredAt: '2026-01-06T08:30:00.000Z', absorbedAt: expect.any(String) },
      ],
    });
    expect(JSON.stringify(detail.body)).not.toMatch(/ABS-7731|9876543210/);
    const list = await driver.admin('/v1/cases?limit=100', 'GET');
    expect(list.body.cases.find((entry: { id: string }) => entry.id === kase.id)).toMatchObject({ absorbedTriggers: 2, offers: 1 });

    // One log line per absorption, with the case and request ids only; counted once each.
    const logged = harbor.logs.containing(lawsuit.requestId);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ caseId: kase.id, requestId: lawsuit.requestId, msg: expect.stringContaining('absorbed') });
    expect(harbor.logs.containing('ABS-7731')).toEqual([]);
    expect(harbor.logs.containing('9876543210')).toEqual([]);
    expect(harbor.logs.containing(viaNpi.requestId)).toHaveLength(1);
    // No metric counts absorptions: a live count would say when one clinician was named in a second event.
    for (const app of [harbor.apps.matching, replica]) expect(await harbor.scrape(app)).not.toMatch(/absorb/);

    // Redelivered by the producer (new event ids, same request ids): nothing more, and the opening request is
    // not mistaken for a trigger its own case absorbed.
    await deliver(lawsuit, first);
    expect(await casesOf(clinicianId)).toHaveLength(1);
    expect(await absorbedInto(kase.id)).toEqual([lawsuit.requestId, viaNpi.requestId]);
    expect(await offersFor(kase.id)).toBe(1);
    expect(harbor.logs.containing(lawsuit.requestId)).toHaveLength(1);
    expect(harbor.logs.containing(viaNpi.requestId)).toHaveLength(1);
  });

  it('opens exactly one case when one clinician\'s requests under different identifiers are consumed at once', async () => {
    const clinicians = await Promise.all(Array.from({ length: 8 }, async (_, index) => {
      const identifiers = [employee(`CON-${index}`), { system: NPI, value: `700000000${index}` }, { system: BADGE, value: `B-${index}` }];
      return { identifiers, id: await driver.clinician(`CON-${index}`, { identifiers }) };
    }));
    // Different identifiers are different Kafka keys: the requests spread over partitions, replicas and batches.
    await deliver(...clinicians.flatMap(({ identifiers }) => identifiers.map((identifier) => supportRequest(identifier))));

    for (const clinician of clinicians) {
      const cases = await casesOf(clinician.id);
      expect(cases).toHaveLength(1);
      expect(await absorbedInto(cases[0].id)).toHaveLength(2);
      expect(await offersFor(cases[0].id)).toBe(1);
    }
  });

  it('a self-referral during an open case opens its own case; a colleague referral is absorbed', async () => {
    const clinicianId = await driver.clinician('SELF-1');
    await deliver(supportRequest(employee('SELF-1')));
    const selfReferral = supportRequest(employee('SELF-1'), { kind: 'referral', category: 'self-referral', harmLevel: undefined });
    await deliver(selfReferral);

    const cases = await casesOf(clinicianId);
    expect(cases.map((kase) => [kase.category, kase.status])).toEqual([['medication-error', 'offered'], ['self-referral', 'offered']]);
    expect(await offersFor(cases[1].id)).toBe(1);
    expect(await absorbedInto(cases[0].id)).toEqual([]);

    // Not an ask by the clinician: joins the open case the clinician is engaged in now, the most recent one.
    const colleague = supportRequest(employee('SELF-1'), { kind: 'referral', category: 'colleague-referral', harmLevel: undefined });
    await deliver(colleague);
    expect(await casesOf(clinicianId)).toHaveLength(2);
    expect(await absorbedInto(cases[1].id)).toEqual([colleague.requestId]);
    expect(await offersFor(cases[0].id) + await offersFor(cases[1].id)).toBe(2);
  });

  it('opens a new case once the open one was declined by the clinician', async () => {
    const clinicianId = await driver.clinician('END-1');
    await deliver(supportRequest(employee('END-1')));
    const [kase] = await casesOf(clinicianId);
    const [offer] = await driver.next(AssignmentOffered, (payload) => payload.caseId === kase.id, 'the offer');
    await driver.respond(offer, 'accepted');
    await driver.next(CaseLifecycle, (change) => change.caseId === kase.id && change.status === 'accepted', 'the acceptance');
    const declined = await driver.asSupporter(offer.payload.supporterId as string, `/v1/cases/${kase.id}/outcome`, 'POST', { supportDeclined: true });
    expect(declined.body.status).toBe('declined-by-clinician');

    await deliver(supportRequest(employee('END-1')));
    const cases = await casesOf(clinicianId);
    expect(cases.map((entry) => [entry.id === kase.id, entry.status])).toEqual([[true, 'declined-by-clinician'], [false, 'offered']]);
    expect(await absorbedInto(kase.id)).toEqual([]);
    expect(await offersFor(cases[1].id)).toBe(1);
  });

  it('an unknown clinician: the unresolved case absorbs requests naming the same identifier until staff close it', async () => {
    await deliver(supportRequest(employee('UNK-1')));
    const [kase] = await casesOfUnknown('UNK-1');
    expect(kase.status).toBe('unresolved');
    expect(await eventsFor(kase.id, StaffPageRequested)).toBe(1);

    const again = supportRequest(employee('UNK-1'), { category: 'unexpected-death', harmLevel: 'death' });
    await deliver(again, supportRequest(employee('UNK-2')));
    expect(await casesOfUnknown('UNK-1')).toHaveLength(1);
    expect(await absorbedInto(kase.id)).toEqual([again.requestId]);
    // The coordinator is not paged again; another unknown identifier is another person.
    expect(await eventsFor(kase.id, StaffPageRequested)).toBe(1);
    expect(await casesOfUnknown('UNK-2')).toEqual([expect.objectContaining({ status: 'unresolved' })]);

    expect((await driver.admin(`/v1/cases/${kase.id}/outcome`, 'POST', { close: true })).body.status).toBe('closed');
    await deliver(supportRequest(employee('UNK-1')));
    expect((await casesOfUnknown('UNK-1')).map((entry) => [entry.id === kase.id, entry.status])).toEqual([[true, 'closed'], [false, 'unresolved']]);
  });
});
