import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { AssignmentOffered, AssignmentOfferedV1, AssignmentPaged, AssignmentUndeliverable, ChannelAddressV1, StaffPageFailed, StaffPageRequested } from '@harbor/contracts';
import { FakeSmtp } from '../support/fake-smtp';
import { FakeTwilio } from '../support/fake-twilio';
import { FakeWctp } from '../support/fake-wctp';
import { HarborHarness } from '../support/harbor-harness';
import { uniqueSuffix, waitFor } from '../support/infrastructure';
import { KafkaTap, metricValue } from '../support/kafka-tap';

const PROVIDER_TIMEOUT_MS = 500;
/** How long a crashed worker's row stays leased (2 × provider timeout + 5 s), from the dispatcher's claim. */
const LEASE_MS = PROVIDER_TIMEOUT_MS * 2 + 5000;

/**
 * Notification under provider faults, through real Kafka and Postgres with local Twilio, WCTP and SMTP
 * servers: an outage (500s, then 429 with Retry-After, then a full outage past the breaker's reset) costs
 * no offer and no supporter, only waiting; a recipient whose own channels all refuse is still reported; a
 * staff page is retried and, when it fails, reported by event, API and metric; a send interrupted between
 * the provider call and its record is looked up, not sent twice. Breaker timings are small (1 s reset).
 */
describe('notification: provider outages, refusals, staff pages and interrupted sends', () => {
  const twilio = new FakeTwilio();
  const wctp = new FakeWctp();
  const smtp = new FakeSmtp();
  let harbor: HarborHarness;
  let tap: KafkaTap;
  let phoneCounter = 0;

  const newPhone = () => `+1556${String(Date.now() % 100000).padStart(5, '0')}${String(++phoneCounter).padStart(2, '0')}`;
  const metrics = () => harbor.scrape('notification');

  beforeAll(async () => {
    const [twilioUrl, wctpUrl, smtpUrl] = await Promise.all([twilio.start(), wctp.start(), smtp.start()]);
    wctp.knownRecipients.add('pager-known');
    harbor = await HarborHarness.start({
      services: ['notification'],
      serviceEnv: {
        notification: {
          NOTIFY_PUBLIC_BASE_URL: 'https://harbor.example.org',
          NOTIFY_LINK_SECRET: 'link-secret-for-provider-fault-tests',
          TWILIO_BASE_URL: twilioUrl,
          TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000002',
          TWILIO_AUTH_TOKEN: 'twilio-auth-token-for-fault-tests',
          TWILIO_FROM_NUMBER: '+15559990001',
          WCTP_URL: wctpUrl,
          SMTP_URL: smtpUrl,
          NOTIFY_SEND_ATTEMPTS: '3',
          NOTIFY_RETRY_BASE_MS: '50',
          NOTIFY_RETRY_MAX_MS: '2000',
          NOTIFY_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
          NOTIFY_BREAKER_VOLUME: '5',
          NOTIFY_BREAKER_ERROR_PERCENT: '50',
          NOTIFY_BREAKER_RESET_MS: '1000',
          NOTIFY_DISPATCH_POLL_MS: '100',
        },
      },
    });
    tap = await new KafkaTap(harbor, [AssignmentUndeliverable, AssignmentPaged, StaffPageFailed]).start();
  });

  afterAll(async () => {
    twilio.endOutage();
    await tap?.stop();
    await harbor?.stop();
    await Promise.all([twilio.stop(), wctp.stop(), smtp.stop()]);
  });

  function newOffer(channels: ChannelAddressV1[]): AssignmentOfferedV1 {
    return {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels,
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
  }
  const staffPage = (channels: ChannelAddressV1[]) => ({
    pageId: randomUUID(), kind: 'coordinator-escalation' as const, caseId: randomUUID(), recipientId: `coord-${uniqueSuffix()}`, channels,
    requestedAt: new Date().toISOString(),
  });
  const offerStatus = async (assignmentId: string) =>
    (await harbor.db.query(`SELECT "status" FROM "notification"."offers" WHERE "assignment_id" = $1`, [assignmentId])).rows[0]?.status;
  const dispatchOf = async (refId: string) => (await harbor.db.query(
    `SELECT d."status", d."gave_up_because", d."failures", d."waiting_since", (SELECT count(*)::int FROM "notification"."delivery_attempts" a WHERE a."dispatch_id" = d."id") AS "sends"
     FROM "notification"."dispatches" d WHERE d."ref_id" = $1`, [refId])).rows[0];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const pagesFor = (offer: AssignmentOfferedV1) => offer.channels.reduce((sum, channel) => sum
    + (channel.kind === 'sms' ? twilio.countTo(channel.address) : wctp.pages.filter((page) => page.recipientId === channel.address).length), 0);

  it('a provider outage (500s, then 429 with Retry-After, then down past the breaker reset) during a stream of offers: every page delivered once, no offer undeliverable, the staff page retried', async () => {
    const before = await metrics();
    const offers: AssignmentOfferedV1[] = [];
    const escalation = staffPage([{ kind: 'sms', address: newPhone() }]);
    let outageEnded = 0;
    const outage = (async () => {
      twilio.startOutage({ status: 500 });
      await sleep(1200);
      twilio.startOutage({ status: 429, headers: { 'retry-after': '1' } });
      await sleep(1200);
      twilio.startOutage({ status: 503 }); // a full outage, longer than the breaker's 1 s reset: its trials fail too
      await sleep(3500);
      twilio.endOutage();
      outageEnded = Date.now();
    })();
    for (let index = 0; index < 24; index++) {
      // Three kinds of supporter: SMS only; SMS then a working pager (another provider); SMS then a pager that refuses them.
      const pager = index % 3 === 1 ? `pager-known-${index}` : `pager-unknown-${index}`;
      if (index % 3 === 1) wctp.knownRecipients.add(pager);
      const offer = newOffer(index % 3 === 0 ? [{ kind: 'sms', address: newPhone() }] : [{ kind: 'sms', address: newPhone() }, { kind: 'pager', address: pager }]);
      offers.push(offer);
      await tap.produce(AssignmentOffered, offer, 'harbor/matching');
      if (index === 6) await tap.produce(StaffPageRequested, escalation, 'harbor/matching');
      await sleep(150);
    }
    await outage;

    await waitFor(async () => offers.every((offer) => pagesFor(offer) >= 1) && twilio.countTo(escalation.channels[0].address) >= 1, 'every page to be delivered', 30_000);
    await waitFor(async () => tap.of(AssignmentPaged, (paged) => offers.some((offer) => offer.assignmentId === paged.assignmentId)).length === offers.length,
      'AssignmentPaged for every offer');
    await sleep(1000);
    // Exactly one page per supporter, the escalation once, and nobody written off.
    expect(offers.map((offer) => pagesFor(offer))).toEqual(offers.map(() => 1));
    expect(twilio.countTo(escalation.channels[0].address)).toBe(1);
    expect(tap.of(AssignmentUndeliverable, (event) => offers.some((offer) => offer.assignmentId === event.assignmentId))).toEqual([]);
    expect(await Promise.all(offers.map((offer) => offerStatus(offer.assignmentId)))).toEqual(offers.map(() => 'open'));
    // Supporters whose pager refused them were reached by SMS once Twilio was back.
    for (const offer of offers.filter((_, index) => index % 3 === 2)) expect(twilio.countTo(offer.channels[0].address)).toBe(1);
    // The escalation met the outage, waited (retries, or the open breaker) and was delivered once Twilio was back;
    // nothing reported it failed.
    expect(await dispatchOf(escalation.pageId)).toMatchObject({ status: 'sent', waiting_since: expect.any(Date) });
    expect(twilio.messages.find((message) => message.to === escalation.channels[0].address)!.receivedAt).toBeGreaterThanOrEqual(outageEnded);
    expect(tap.of(StaffPageFailed)).toEqual([]);

    // The outage opened Twilio's breaker: pages waited for it (no send, no attempt spent) instead of failing.
    const after = await metrics();
    expect(metricValue(after, 'harbor_notification_send_failures_total', { channel: 'sms', outcome: 'provider_wait' })
      - metricValue(before, 'harbor_notification_send_failures_total', { channel: 'sms', outcome: 'provider_wait' })).toBeGreaterThan(0);
    expect(metricValue(after, 'harbor_notification_send_failures_total', { outcome: 'gave_up' }) - metricValue(before, 'harbor_notification_send_failures_total', { outcome: 'gave_up' })).toBe(0);
    expect(twilio.refusedByStatus.get(429)).toBeGreaterThan(0);
    // A page turned away by the open (or half-open) breaker made no send, so none is recorded as one.
    const { rows: [turnedAway] } = await harbor.db.query(`SELECT count(*)::int AS n FROM "notification"."delivery_attempts" WHERE "error" LIKE 'circuit-%'`);
    expect(turnedAway.n).toBe(0);
    expect(metricValue(after, 'harbor_notification_provider_circuit_open', { provider: 'sms' })).toBe(0);
    expect(metricValue(after, 'harbor_notification_pages_waiting_on_provider')).toBe(0);
    // Nothing identifying in the logs.
    expect(harbor.logs.containing(offers[0].channels[0].address)).toEqual([]);
  });

  it('a supporter whose own channels all refuse is still undeliverable, also while another provider is down; one with a provider merely down is not', async () => {
    twilio.startOutage({ status: 503 });
    smtp.failNext(1, 550);
    const refusedEverywhere = newOffer([{ kind: 'pager', address: 'pager-unknown-x' }, { kind: 'email', address: 'no-such-mailbox@example.org' }]);
    const waitingForSms = newOffer([{ kind: 'sms', address: newPhone() }, { kind: 'pager', address: 'pager-unknown-y' }]);
    try {
      await tap.produce(AssignmentOffered, refusedEverywhere, 'harbor/matching');
      await tap.produce(AssignmentOffered, waitingForSms, 'harbor/matching');
      const failure = await tap.next(AssignmentUndeliverable, (event) => event.assignmentId === refusedEverywhere.assignmentId, 'AssignmentUndeliverable');
      expect(failure.failures).toEqual(['pager: wctp-401', 'email: smtp-550']);
      expect(await offerStatus(refusedEverywhere.assignmentId)).toBe('undeliverable');
      await sleep(2500);
      expect(await offerStatus(waitingForSms.assignmentId)).toBe('open');
      expect(tap.of(AssignmentUndeliverable, (event) => event.assignmentId === waitingForSms.assignmentId)).toEqual([]);
    } finally {
      twilio.endOutage();
    }
    await waitFor(async () => twilio.countTo(waitingForSms.channels[0].address) === 1, 'the SMS once Twilio is back');

    // An invalid number is the supporter's own problem: refused, and with the pager refusing too, undeliverable.
    const invalid = newOffer([{ kind: 'sms', address: newPhone() }, { kind: 'pager', address: 'pager-unknown-z' }]);
    twilio.invalidNumbers.add(invalid.channels[0].address);
    await tap.produce(AssignmentOffered, invalid, 'harbor/matching');
    const invalidFailure = await tap.next(AssignmentUndeliverable, (event) => event.assignmentId === invalid.assignmentId, 'AssignmentUndeliverable for the invalid number');
    expect(invalidFailure.failures).toEqual(['sms: http-400', 'pager: wctp-401']);
  });

  it('a staff page that fails — refused everywhere, or past its deadline in an outage — is an event, on the staff API and counted for an alert', async () => {
    smtp.failNext(1, 550);
    const refused = staffPage([{ kind: 'email', address: 'gone-coordinator@example.org' }, { kind: 'pager', address: 'pager-unknown-c' }]);
    await tap.produce(StaffPageRequested, refused, 'harbor/matching');
    const refusedEvent = await tap.next(StaffPageFailed, (event) => event.pageId === refused.pageId, 'StaffPageFailed (refused)');
    expect(refusedEvent).toMatchObject({
      kind: 'coordinator-escalation', caseId: refused.caseId, recipientId: refused.recipientId, reason: 'refused', failures: ['email: smtp-550', 'pager: wctp-401'],
    });

    twilio.startOutage({ status: 503 });
    const stuck = staffPage([{ kind: 'sms', address: newPhone() }]);
    try {
      await tap.produce(StaffPageRequested, stuck, 'harbor/matching');
      await waitFor(async () => (await dispatchOf(stuck.pageId))?.sends >= 1, 'the first sends of the stuck page');
      expect(await dispatchOf(stuck.pageId)).toMatchObject({ status: 'pending' });
      // Its deadline (NOTIFY_STAFF_PAGE_DEADLINE_MINUTES after arrival) comes while Twilio is still down.
      await harbor.db.query(`UPDATE "notification"."dispatches" SET "deliver_by" = now(), "due_at" = now() WHERE "ref_id" = $1`, [stuck.pageId]);
      const deadlineEvent = await tap.next(StaffPageFailed, (event) => event.pageId === stuck.pageId, 'StaffPageFailed (deadline)');
      expect(deadlineEvent).toMatchObject({ reason: 'deadline', kind: 'coordinator-escalation' });
      expect((deadlineEvent.failures as string[]).every((failure) => failure.startsWith('sms: '))).toBe(true);
    } finally {
      twilio.endOutage();
    }
    await sleep(1000);
    expect(twilio.countTo(stuck.channels[0].address)).toBe(0); // given up means no late page after the deadline

    // Program staff (and the on-call engineer) can see them; supporters cannot.
    const listed = await harbor.request('notification', '/v1/staff-pages?status=failed&kind=coordinator-escalation', { role: Role.ProgramDirector });
    expect(listed.status).toBe(200);
    const { pages } = (await listed.json()) as { pages: { pageId: string }[] };
    const ours: string[] = [refused.pageId, stuck.pageId];
    expect(pages.filter((page) => ours.includes(page.pageId))).toEqual([
      expect.objectContaining({ pageId: stuck.pageId, status: 'failed', failedBecause: 'deadline', channels: ['sms'], caseId: stuck.caseId }),
      expect.objectContaining({ pageId: refused.pageId, status: 'failed', failedBecause: 'refused', channels: ['email', 'pager'], sends: 2 }),
    ]);
    expect(JSON.stringify(pages)).not.toContain('gone-coordinator@example.org');
    expect((await harbor.request('notification', '/v1/staff-pages', { role: Role.Ops })).status).toBe(200);
    expect((await harbor.request('notification', '/v1/staff-pages', { role: Role.Supporter })).status).toBe(403);
    expect((await harbor.request('notification', '/v1/staff-pages')).status).toBe(401);
    expect((await harbor.request('notification', '/v1/staff-pages?status=lost', { role: Role.ProgramDirector })).status).toBe(422);

    // The alert's counter.
    const text = await metrics();
    expect(metricValue(text, 'harbor_notification_staff_pages_failed_total', { kind: 'coordinator-escalation', reason: 'refused' })).toBe(1);
    expect(metricValue(text, 'harbor_notification_staff_pages_failed_total', { kind: 'coordinator-escalation', reason: 'deadline' })).toBe(1);
    expect(harbor.logs.containing('gone-coordinator@example.org')).toEqual([]);
  });

  it('a send interrupted between the provider call and its record (the record fails as if the process died) is looked up, not sent again', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    // The fault: once Twilio has accepted the message, and before Harbor hears back, every record of a
    // sent page fails — Harbor loses what it just did, exactly as when the process is killed at that moment.
    await harbor.db.query(`
      CREATE OR REPLACE FUNCTION "notification"."test_lose_sent_records"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."status" = 'sent' THEN RAISE EXCEPTION 'injected fault: record lost'; END IF;
        RETURN NEW;
      END $$`);
    twilio.onAccepted = async (message) => {
      if (message.to !== phone) return;
      twilio.onAccepted = undefined;
      await harbor.db.query(`CREATE TRIGGER "test_lose_sent_records" BEFORE INSERT OR UPDATE ON "notification"."delivery_attempts"
                             FOR EACH ROW EXECUTE FUNCTION "notification"."test_lose_sent_records"()`);
    };
    try {
      await tap.produce(AssignmentOffered, offer, 'harbor/matching');
      await waitFor(async () => harbor.logs.containing('dispatch failed unexpectedly').length > 0, 'the record to fail');
    } finally {
      twilio.onAccepted = undefined;
      await harbor.db.query(`DROP TRIGGER IF EXISTS "test_lose_sent_records" ON "notification"."delivery_attempts"`);
      await harbor.db.query(`DROP FUNCTION IF EXISTS "notification"."test_lose_sent_records"()`);
    }
    expect(twilio.countTo(phone)).toBe(1);
    const sid = twilio.messages.find((message) => message.to === phone)!.sid;

    // The failed worker released the page (or its lease ended): claimed again, it is found in Twilio's Messages list and recorded, not re-sent.
    const lookupsBefore = twilio.listRequests;
    const sent = await waitFor(async () => {
      const { rows } = await harbor.db.query(
        `SELECT a."status", a."provider_ref", a."reconciled", d."status" AS "dispatch" FROM "notification"."delivery_attempts" a
         JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id" WHERE d."ref_id" = $1`, [offer.assignmentId]);
      return rows.length === 1 && rows[0].dispatch === 'sent' ? rows[0] : undefined;
    }, 'the interrupted send to be reconciled', LEASE_MS + 15_000);
    expect(sent).toEqual({ status: 'sent', provider_ref: sid, reconciled: 'found', dispatch: 'sent' });
    expect(twilio.listRequests).toBeGreaterThan(lookupsBefore);
    await tap.next(AssignmentPaged, (paged) => paged.assignmentId === offer.assignmentId, 'AssignmentPaged after reconciling');
    await sleep(500);
    expect(twilio.countTo(phone)).toBe(1);
    expect(tap.of(AssignmentPaged, (paged) => paged.assignmentId === offer.assignmentId)).toHaveLength(1);
    expect(metricValue(await metrics(), 'harbor_notification_send_failures_total', { channel: 'sms', outcome: 'found_at_provider' })).toBe(1);
  });

  it('a send that timed out after Twilio accepted it is looked up before a retry, so the supporter is paged once', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    twilio.scriptNext({ acceptThenDelayMs: PROVIDER_TIMEOUT_MS * 3 });
    await tap.produce(AssignmentOffered, offer, 'harbor/matching');
    const rows = await waitFor(async () => {
      const result = await harbor.db.query(
        `SELECT a."status", a."error", a."reconciled", d."status" AS "dispatch" FROM "notification"."delivery_attempts" a
         JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id" WHERE d."ref_id" = $1`, [offer.assignmentId]);
      return result.rows[0]?.dispatch === 'sent' ? result.rows : undefined;
    }, 'the timed-out send to be reconciled');
    expect(rows).toEqual([{ status: 'sent', error: 'timeout', reconciled: 'found', dispatch: 'sent' }]);
    await sleep(PROVIDER_TIMEOUT_MS * 3);
    expect(twilio.countTo(phone)).toBe(1);
  });
});
