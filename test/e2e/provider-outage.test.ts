import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { KafkaTap } from '../support/kafka-tap';

// Reporting plays no part here: keep its module (edited concurrently by others) out of this file's load.

const INCIDENTS = 16;
const SUPPORTERS = 10;
const ACK_TIMEOUT_SECONDS = 4;

/**
 * Intake → matching → notification through real Kafka and Postgres, with Twilio failing the way it did in
 * the fault-injection run: 500s, then 429 with Retry-After, then a full outage longer than both the
 * breaker's reset and the offers' acknowledgement timeout, while incidents stream in. Each supporter
 * accepts as soon as their SMS arrives. Every case must end accepted by the first supporter asked: no offer
 * burned as undeliverable or expired, no escalation because the provider was down, one SMS per offer; the
 * one case that escalates (its program has nobody eligible) has its coordinator page retried until delivered.
 */
describe('a provider outage during a stream of incidents', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  let tap: KafkaTap;
  const supporterPhone = (index: number) => `+1557000${String(index).padStart(4, '0')}`;
  const coordinatorPhone = '+15570009999';

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      services: ['intake', 'matching', 'notification'],
      serviceEnv: {
        // Ten supporters take sixteen severe cases: no rest after a severe case (care for the carers) in this test of outages.
        matching: { MATCHING_SCHEDULER_TICK_MS: '200', MATCHING_REST_AFTER_SEVERE_HOURS: '0' },
        notification: {
          TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-outage', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990002',
          NOTIFY_SEND_ATTEMPTS: '3', NOTIFY_RETRY_BASE_MS: '50', NOTIFY_RETRY_MAX_MS: '2000', NOTIFY_PROVIDER_TIMEOUT_MS: '500',
          NOTIFY_BREAKER_VOLUME: '5', NOTIFY_BREAKER_ERROR_PERCENT: '50', NOTIFY_BREAKER_RESET_MS: '1000', NOTIFY_DISPATCH_POLL_MS: '100',
        },
      },
    });
    tap = await new KafkaTap(harbor, []).start();
    const admin = async (path: string, method: string, body: unknown) => {
      const response = await harbor.request('matching', path, { method, role: Role.ProgramAdmin, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    };
    await admin('/v1/policy', 'PUT', { ackTimeoutSeconds: ACK_TIMEOUT_SECONDS, overallDeadlineSeconds: 600, maxOffers: 3 });
    await admin('/v1/policy', 'PUT', { program: 'far', facilities: ['far-campus'], ackTimeoutSeconds: ACK_TIMEOUT_SECONDS, overallDeadlineSeconds: 600 });
    await admin('/v1/program-staff/coord-far', 'PUT', { program: 'far', role: 'on-call-coordinator', displayName: 'Far Coordinator', channels: [{ kind: 'sms', address: coordinatorPhone }] });
    for (let index = 0; index < SUPPORTERS; index++) {
      await admin('/v1/roster/supporters', 'POST', {
        id: `sup-${index}`, displayName: `Supporter ${index}`, profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 2,
        channels: [{ kind: 'sms', address: supporterPhone(index) }],
      });
    }
    for (let index = 0; index <= INCIDENTS; index++) {
      await admin('/v1/directory/clinicians', 'POST', {
        identifiers: [{ system: 'urn:test:employee', value: `OUT-${index}` }], displayName: `Dr. Outage ${index}`, profession: 'physician', department: 'emergency',
      });
    }
  });

  afterAll(async () => {
    twilio.endOutage();
    await tap?.stop();
    await harbor?.stop();
    await twilio.stop();
  });

  const incident = (index: number, facility: string) => ({
    source: 'rl-datix', sourceEventId: `OUTAGE-${index}`, occurredAt: new Date(Date.now() - 3600_000).toISOString(), reportedAt: new Date().toISOString(),
    category: 'medication-error', harmLevel: 'severe', facility, department: 'emergency',
    involvedClinicians: [{ identifier: { system: 'urn:test:employee', value: `OUT-${index}` }, role: 'prescriber' }],
  });
  const count = async (sql: string) => (await harbor.db.query(sql)).rows[0].n as number;

  it('pages every case once the provider is back, burns no offer, escalates nothing because of it, and retries the coordinator page', async () => {
    // Supporters accept as soon as their page arrives, through the link in it.
    const accepted = new Set<string>();
    let answering = true;
    const answer = (async () => {
      while (answering) {
        for (const message of twilio.messages.filter((candidate) => candidate.to !== coordinatorPhone && !accepted.has(candidate.sid!))) {
          accepted.add(message.sid!);
          const path = new URL(/(https?:\/\/\S+\/a\/\S+)/.exec(message.body)![1]).pathname;
          await harbor.request('notification', path, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    let outageEnded = 0;
    const outage = (async () => {
      twilio.startOutage({ status: 500 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      twilio.startOutage({ status: 429, headers: { 'retry-after': '1' } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Down for longer than the breaker's reset (1 s) and the acknowledgement timeout (4 s).
      twilio.startOutage({ status: 503 });
      await new Promise((resolve) => setTimeout(resolve, (ACK_TIMEOUT_SECONDS + 2) * 1000));
      twilio.endOutage();
      outageEnded = Date.now();
    })();
    try {
      for (let index = 0; index < INCIDENTS; index++) {
        await tap.publish('incidents.reported.v1', `rl-datix|OUTAGE-${index}`, incident(index, 'general'));
        if (index === 4) await tap.publish('incidents.reported.v1', `rl-datix|OUTAGE-${INCIDENTS}`, incident(INCIDENTS, 'far-campus'));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await outage;
      await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM "matching"."cases" WHERE "status" = 'accepted'`)) === INCIDENTS,
        'every case to be accepted', 60_000);
      await waitFor(async () => twilio.countTo(coordinatorPhone) > 0, 'the coordinator page');
    } finally {
      answering = false;
      await answer;
    }

    // Every case was accepted by the first supporter it was offered to: the outage burned no offer.
    expect(await count(`SELECT count(*)::int AS n FROM "matching"."assignments" a JOIN "matching"."cases" c ON c."id" = a."case_id"
                        WHERE c."facility" = 'general' AND (a."attempt" <> 1 OR a."status" <> 'accepted')`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "matching"."assignments" WHERE "status" IN ('undeliverable', 'expired')`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "notification"."offers" WHERE "status" = 'undeliverable'`)).toBe(0);
    // The only escalation is the case nobody was eligible for, not one the provider caused.
    const { rows: escalated } = await harbor.db.query(`SELECT "facility", "escalation_reason" FROM "matching"."cases" WHERE "status" = 'escalated'`);
    expect(escalated).toEqual([{ facility: 'far-campus', escalation_reason: 'no-eligible-supporter' }]);
    // Every offer's delivery is on record, and the acknowledgement clocks started at delivery, not at the offer
    // (an answer can overtake the delivery report: then there was no clock left to start).
    expect(await count(`SELECT count(*)::int AS n FROM "matching"."assignments" WHERE "paged_at" IS NULL`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "matching"."assignments"
                        WHERE "paged_at" - "offered_at" > interval '3 seconds' AND "respond_by" = "paged_at" + make_interval(secs => "ack_seconds")`)).toBeGreaterThan(0);

    // One SMS per offer, no duplicates; the coordinator page met the outage, was retried and delivered once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const perPhone = new Map<string, number>();
    for (const message of twilio.messages) perPhone.set(message.to, (perPhone.get(message.to) ?? 0) + 1);
    expect([...perPhone.entries()].filter(([phone]) => phone !== coordinatorPhone).reduce((sum, [, n]) => sum + n, 0)).toBe(INCIDENTS);
    expect(perPhone.get(coordinatorPhone)).toBe(1);
    const { rows: [coordinatorPage] } = await harbor.db.query(
      `SELECT "status", "waiting_since" FROM "notification"."dispatches" WHERE "kind" = 'staff-page'`,
    );
    // It met the outage (held by provider trouble: retried, or waiting on the open breaker) and went out once Twilio was back.
    expect(coordinatorPage).toEqual({ status: 'sent', waiting_since: expect.any(Date) });
    expect(twilio.messages.find((message) => message.to === coordinatorPhone)!.receivedAt).toBeGreaterThanOrEqual(outageEnded);
    expect(twilio.refusedByStatus.get(500)).toBeGreaterThan(0);
    expect(twilio.refusedByStatus.get(429)).toBeGreaterThan(0);
    expect(twilio.refusedByStatus.get(503)).toBeGreaterThan(0);
  }, 120_000);
});
