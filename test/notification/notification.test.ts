import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage, Producer } from 'kafkajs';
import twilio from 'twilio';
import { AssignmentClosed, AssignmentOffered, AssignmentOfferedV1, AssignmentResponded, AssignmentUndeliverable, ContactReleased, EventDefinition, sealReleasedContact, StaffPageRequested } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { signLink } from '../../apps/notification/src/offers/signed-link';
import { FakePagerDuty } from '../support/fake-pagerduty';
import { FakeSmtp } from '../support/fake-smtp';
import { FakeTwilio, postTwilioWebhook } from '../support/fake-twilio';
import { FakeWctp } from '../support/fake-wctp';
import { HarborHarness } from '../support/harbor-harness';
import { produceEvent } from '../support/produce-event';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';


const PUBLIC_BASE = 'https://harbor.example.org';
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const LINK_SECRET = 'link-secret-for-notification-tests';
/** Matching seals with the same ring; notification opens values sealed under either key. */
const CONTACT_KEYS = `test-k1:${Buffer.alloc(32, 7).toString('base64')}`;
const PAGE_TEXT = /^Harbor: a colleague may benefit from peer support\. Reply YES (\d{4}) to accept or NO \1 to pass, or open (https:\/\/harbor\.example\.org\/a\/\S+)$/;

/**
 * Notification alone, through real Kafka and Postgres, with local servers speaking Twilio, PagerDuty Events v2,
 * WCTP 1.3 and SMTP. Events are produced the way matching produces them (CloudEvents headers); answers are
 * read back from assignments.responded.v1 / assignments.undeliverable.v1.
 */
describe('notification: pages, answers, fallbacks', () => {
  const twilioFake = new FakeTwilio();
  const pagerDuty = new FakePagerDuty();
  const wctp = new FakeWctp();
  const smtp = new FakeSmtp();
  let harbor: HarborHarness;
  let producer: Producer;
  let consumer: Consumer;
  const received: { topic: string; payload: Record<string, unknown> }[] = [];
  let phoneCounter = 0;

  const newPhone = () => `+1555${String(Date.now() % 100000).padStart(5, '0')}${String(++phoneCounter).padStart(2, '0')}`;

  beforeAll(async () => {
    const [twilioUrl, pagerDutyUrl, wctpUrl, smtpUrl] = await Promise.all([twilioFake.start(), pagerDuty.start(), wctp.start(), smtp.start()]);
    wctp.knownRecipients.add('pager-100');
    wctp.knownRecipients.add('pager-200');
    harbor = await HarborHarness.start({
      services: ['notification'],
      serviceEnv: {
        notification: {
          NOTIFY_PUBLIC_BASE_URL: PUBLIC_BASE,
          NOTIFY_LINK_SECRET: LINK_SECRET,
          CONTACT_ENCRYPTION_KEYS: CONTACT_KEYS,
          TWILIO_BASE_URL: twilioUrl,
          TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          TWILIO_FROM_NUMBER: '+15559990000',
          WCTP_URL: wctpUrl,
          WCTP_SENDER_ID: 'harbor-test',
          PAGERDUTY_EVENTS_URL: pagerDutyUrl,
          PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0000000000000000000001',
          SMTP_URL: smtpUrl,
          SMTP_FROM: 'harbor@example.org',
          NOTIFY_SEND_ATTEMPTS: '3',
          NOTIFY_RETRY_BASE_MS: '50',
          NOTIFY_RETRY_MAX_MS: '3000',
          NOTIFY_PROVIDER_TIMEOUT_MS: '500',
          NOTIFY_BREAKER_VOLUME: '1000',
          NOTIFY_DISPATCH_POLL_MS: '200',
        },
      },
    });
    producer = kafkaClient().producer();
    await producer.connect();
    consumer = kafkaClient().consumer({ groupId: `notification-test-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [harbor.topic(AssignmentResponded.topic), harbor.topic(AssignmentUndeliverable.topic)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void received.push({ topic, payload: parse(message) }) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await harbor?.stop();
    await Promise.all([twilioFake.stop(), pagerDuty.stop(), wctp.stop(), smtp.stop()]);
  });

  function parse(message: KafkaMessage): Record<string, unknown> {
    return JSON.parse(message.value!.toString());
  }

  const produce = <P extends object>(definition: EventDefinition<P>, payload: P, eventId?: string) =>
    produceEvent(producer, harbor.topic(definition.topic), definition, payload, { eventId, source: 'harbor/matching' });

  function newOffer(channels: AssignmentOfferedV1['channels'], overrides: Partial<AssignmentOfferedV1> = {}): AssignmentOfferedV1 {
    return {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels,
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(), ...overrides,
    };
  }

  const responseFor = (assignmentId: string) => waitFor(
    async () => received.find((event) => event.topic === harbor.topic(AssignmentResponded.topic) && event.payload.assignmentId === assignmentId)?.payload,
    `AssignmentResponded for ${assignmentId}`,
  );
  const offerStatus = async (assignmentId: string) =>
    (await harbor.db.query(`SELECT "status" FROM "notification"."offers" WHERE "assignment_id" = $1`, [assignmentId])).rows[0]?.status;
  const smsTo = (phone: string) => waitFor(async () => twilioFake.messages.find((message) => message.to === phone), `an SMS to ${phone}`);

  const signedPost = (path: string, params: Record<string, string>, signature?: string) =>
    postTwilioWebhook((target, init) => harbor.request('notification', target, init), { publicBaseUrl: PUBLIC_BASE, authToken: AUTH_TOKEN, path }, params, signature);
  /** The phone sends `body`: Twilio records the message, then calls the webhook with its MessageSid. */
  const reply = (from: string, body: string, signature?: string) => {
    const { sid } = twilioFake.receive(from, body, { accountSid: 'AC00000000000000000000000000000001' });
    return signedPost('/webhooks/twilio/sms', { From: from, To: '+15559990000', Body: body, MessageSid: sid, AccountSid: 'AC00000000000000000000000000000001' }, signature);
  };

  it('page by SMS → YES <code> → accepted, with a TwiML confirmation; the page carries only code and link', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    await produce(AssignmentOffered, offer);
    const sms = await smsTo(phone);
    const [, code] = PAGE_TEXT.exec(sms.body)!;
    expect(sms.statusCallback).toBe(`${PUBLIC_BASE}/webhooks/twilio/status`);
    expect(sms.idempotencyToken).toBe(`${offer.assignmentId}:sms`);
    expect(sms.body).not.toContain(offer.caseId);
    expect(sms.body).not.toContain(offer.supporterId);

    const answer = await reply(phone, `yes ${code}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/xml');
    expect(await answer.text()).toContain('thank you for accepting');
    expect(await responseFor(offer.assignmentId)).toMatchObject({ assignmentId: offer.assignmentId, supporterId: offer.supporterId, response: 'accepted', via: 'sms' });
    expect(await offerStatus(offer.assignmentId)).toBe('accepted');
    // Nothing in the logs carries the phone number or the page text.
    expect(harbor.logs.containing(phone)).toEqual([]);
    expect(harbor.logs.containing(code === '1000' ? 'never-matches' : `YES ${code}`)).toEqual([]);
  });

  it('a "delivered" receipt is recorded but is not an acknowledgement; NO <code> declines', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    await produce(AssignmentOffered, offer);
    const sms = await smsTo(phone);
    const [, code] = PAGE_TEXT.exec(sms.body)!;
    const attempt = await waitFor(async () => (await harbor.db.query(
      `SELECT a."provider_ref" FROM "notification"."delivery_attempts" a JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id"
       WHERE d."ref_id" = $1 AND a."status" = 'sent'`, [offer.assignmentId])).rows[0], 'the sent attempt');
    expect(attempt.provider_ref).toBe(sms.sid);
    const receipt = await signedPost('/webhooks/twilio/status', { MessageSid: attempt.provider_ref, MessageStatus: 'delivered', To: phone });
    expect(receipt.status).toBe(204);
    const { rows: receipts } = await harbor.db.query(`SELECT "status" FROM "notification"."delivery_receipts" WHERE "provider_ref" = $1`, [attempt.provider_ref]);
    expect(receipts).toEqual([{ status: 'delivered' }]);
    expect(await offerStatus(offer.assignmentId)).toBe('open');
    const forgedReceipt = await signedPost('/webhooks/twilio/status', { MessageSid: attempt.provider_ref, MessageStatus: 'failed' }, 'bm90LWEtc2lnbmF0dXJl');
    expect(forgedReceipt.status).toBe(403);

    expect((await reply(phone, `NO ${code}`)).status).toBe(200);
    expect(await responseFor(offer.assignmentId)).toMatchObject({ response: 'declined', via: 'sms' });
  });

  it('a bare YES works with exactly one open offer; with two it asks for the code and changes nothing', async () => {
    const phone = newPhone();
    const first = newOffer([{ kind: 'sms', address: phone }]);
    await produce(AssignmentOffered, first);
    await smsTo(phone);
    const second = newOffer([{ kind: 'sms', address: phone }], { supporterId: first.supporterId });
    await produce(AssignmentOffered, second);
    await waitFor(async () => twilioFake.messages.filter((message) => message.to === phone).length === 2, 'the second SMS');

    const ambiguous = await reply(phone, 'YES');
    expect(await ambiguous.text()).toContain('2 open requests');
    expect(await offerStatus(first.assignmentId)).toBe('open');
    expect(await offerStatus(second.assignmentId)).toBe('open');

    const secondCode = PAGE_TEXT.exec(twilioFake.messages.filter((message) => message.to === phone)[1].body)![1];
    await reply(phone, `NO ${secondCode}`);
    expect(await responseFor(second.assignmentId)).toMatchObject({ response: 'declined' });
    await reply(phone, 'Yes');
    expect(await responseFor(first.assignmentId)).toMatchObject({ response: 'accepted' });
  });

  it('forged or unsigned webhooks get 403 and change nothing', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    await produce(AssignmentOffered, offer);
    const [, code] = PAGE_TEXT.exec((await smsTo(phone)).body)!;
    const otherToken = twilio.getExpectedTwilioSignature('some-other-token', `${PUBLIC_BASE}/webhooks/twilio/sms`, { From: phone, Body: `YES ${code}` });
    for (const signature of [otherToken, '', 'garbage']) {
      const response = await reply(phone, `YES ${code}`, signature === '' ? ' ' : signature);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const unsigned = await harbor.request('notification', '/webhooks/twilio/sms', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ From: phone, Body: `YES ${code}` }).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect(await offerStatus(offer.assignmentId)).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.some((event) => event.payload.assignmentId === offer.assignmentId)).toBe(false);
  });

  it('page by PagerDuty → link accept → "details on their way" → ContactReleased shows name and phone; acknowledge, then resolve on close', async () => {
    const offer = newOffer([{ kind: 'pagerduty', address: '' }]);
    await produce(AssignmentOffered, offer);
    const trigger = await waitFor(async () => pagerDuty.events.find((event) => event.dedup_key === `harbor-${offer.assignmentId}`), 'the PagerDuty trigger');
    expect(trigger).toMatchObject({ event_action: 'trigger', routing_key: 'R0UTINGKEY0000000000000000000001', payload: { source: 'harbor', severity: 'warning' } });
    expect(trigger.payload!.custom_details).toBeUndefined();
    const [, , link] = PAGE_TEXT.exec(trigger.payload!.summary)!;
    const path = new URL(link).pathname;

    expect(await (await harbor.request('notification', path)).text()).toContain('A colleague may benefit from peer support');
    const accepted = await harbor.request('notification', path, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=accept', redirect: 'manual',
    });
    expect(accepted.status).toBe(303);
    expect(await responseFor(offer.assignmentId)).toMatchObject({ response: 'accepted', via: 'link' });
    expect(await (await harbor.request('notification', path, { headers: { cookie: accepted.headers.get('set-cookie')!.split(';')[0] } })).text())
      .toContain('contact details are on their way');
    await waitFor(async () => pagerDuty.events.find((event) => event.dedup_key === `harbor-${offer.assignmentId}` && event.event_action === 'acknowledge'), 'the PagerDuty acknowledge');

    // The contact is shown only to the browser that accepted (its cookie), never to another holder of the link.
    const viewerCookie = accepted.headers.get('set-cookie')!.split(';')[0];
    const asAcceptingBrowser = { headers: { cookie: viewerCookie } };
    await produce(ContactReleased, {
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId,
      sealedContact: sealReleasedContact(parseKeyRing(CONTACT_KEYS), offer.assignmentId, { displayName: 'Dr. Canary <Roe>', phone: '+15550003003', email: 'canary@example.org' }),
    });
    const shown = await waitFor(async () => {
      const html = await (await harbor.request('notification', path, asAcceptingBrowser)).text();
      return html.includes('Dr. Canary') ? html : undefined;
    }, 'the contact details on the link page');
    expect(shown).toContain('Dr. Canary &lt;Roe&gt;');
    expect(shown).toContain('tel:+15550003003');
    expect(shown).toContain('canary@example.org');
    const forwarded = await (await harbor.request('notification', path)).text();
    expect(forwarded).toContain('shown only on the device that accepted');
    expect(forwarded).not.toMatch(/Canary|3003|canary@/);
    expect(harbor.logs.containing('Canary')).toEqual([]);

    await produce(AssignmentClosed, { assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId, reason: 'case-closed' as const, closedAt: new Date().toISOString() });
    await waitFor(async () => pagerDuty.events.find((event) => event.dedup_key === `harbor-${offer.assignmentId}` && event.event_action === 'resolve'), 'the PagerDuty resolve');
    const { rows } = await harbor.db.query(`SELECT 1 FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [offer.assignmentId]);
    expect(rows).toEqual([]);
    expect(await (await harbor.request('notification', path, asAcceptingBrowser)).text()).toContain('This request is closed.');
  });

  it('an offer closed before it was answered no longer accepts answers', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    await produce(AssignmentOffered, offer);
    const [, code, link] = PAGE_TEXT.exec((await smsTo(phone)).body)!;
    await produce(AssignmentClosed, { assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId, reason: 'expired' as const, closedAt: new Date().toISOString() });
    await waitFor(async () => (await offerStatus(offer.assignmentId)) === 'closed', 'the offer to close');
    expect(await (await reply(phone, `YES ${code}`)).text()).toContain('does not match an open request');
    const late = await harbor.request('notification', new URL(link).pathname, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(late.status).toBe(409);
    // Written by the shared problem-details filter, like every other error.
    expect(late.headers.get('content-type')).toContain('application/problem+json');
    expect(await late.json()).toEqual({
      type: 'about:blank', status: 409, title: 'This request is closed.', instance: new URL(link).pathname, detail: expect.stringContaining('only while the request is open'),
    });
  });

  it('a page waiting for a retry is not sent once its offer was answered', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    twilioFake.scriptNext({ status: 429, headers: { 'retry-after': '2' } });
    await produce(AssignmentOffered, offer);
    const dispatch = async () => (await harbor.db.query(
      `SELECT d."status", d."text", d."lease_until", d."finished_at", (SELECT count(*)::int FROM "notification"."delivery_attempts" a WHERE a."dispatch_id" = d."id") AS "attempts"
       FROM "notification"."dispatches" d WHERE d."kind" = 'offer-page' AND d."ref_id" = $1`, [offer.assignmentId])).rows[0];
    await waitFor(async () => (await dispatch())?.attempts === 1, 'the throttled first send');

    const token = signLink(LINK_SECRET, offer.assignmentId, new Date(Date.now() + 15 * 60_000));
    const accepted = await harbor.request('notification', `/a/${token}`, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(accepted.status).toBe(200);
    const cancelled = await waitFor(async () => {
      const row = await dispatch();
      return row?.status === 'cancelled' ? row : undefined;
    }, 'the pending page to be cancelled', 10_000);
    expect(cancelled).toMatchObject({ text: null, lease_until: null, attempts: 1 });
    expect(cancelled.finished_at).toBeInstanceOf(Date);
    expect(twilioFake.messages.filter((message) => message.to === phone)).toEqual([]);
  });

  it('SMS provider down (500s) → retried, then the next channel (WCTP pager) gets the page', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }, { kind: 'pager', address: 'pager-100' }]);
    const before = twilioFake.requests;
    twilioFake.failNext(3, 500);
    await produce(AssignmentOffered, offer);
    const page = await waitFor(async () => wctp.pages.find((candidate) => PAGE_TEXT.test(candidate.text) && candidate.recipientId === 'pager-100'), 'the WCTP page');
    expect(page.senderId).toBe('harbor-test');
    expect(page.messageId).toMatch(/^[0-9a-f]{32}$/);
    expect(twilioFake.requests - before).toBe(3);
    expect(twilioFake.messages.find((message) => message.to === phone)).toBeUndefined();
    const rows = await waitFor(async () => {
      const result = await harbor.db.query(
        `SELECT a."channel", a."status", a."error" FROM "notification"."delivery_attempts" a JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id"
         WHERE d."ref_id" = $1 ORDER BY a."attempted_at"`, [offer.assignmentId]);
      // Each send is recorded as an intent ('sending') before the call and settled after it: wait for all four to settle.
      return result.rows.length === 4 && result.rows.every((row: { status: string }) => row.status !== 'sending') ? result.rows : undefined;
    }, 'four attempts to be recorded and settled');
    expect(rows).toEqual([
      { channel: 'sms', status: 'failed', error: 'http-500' }, { channel: 'sms', status: 'failed', error: 'http-500' },
      { channel: 'sms', status: 'failed', error: 'http-500' }, { channel: 'pager', status: 'sent', error: null },
    ]);
  });

  it('honours 429 Retry-After and retries a timed-out send on the same channel', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }, { kind: 'pager', address: 'pager-100' }]);
    twilioFake.scriptNext({ delayMs: 1500 }, { status: 429, headers: { 'retry-after': '1' } });
    await produce(AssignmentOffered, offer);
    const sms = await waitFor(async () => twilioFake.messages.find((message) => message.to === phone), 'the SMS after the retries', 20_000);
    const rows = await waitFor(async () => {
      const result = await harbor.db.query(
        `SELECT a."channel", a."error", a."attempted_at" FROM "notification"."delivery_attempts" a JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id"
         WHERE d."ref_id" = $1 ORDER BY a."attempted_at"`, [offer.assignmentId]);
      return result.rows.length === 3 ? result.rows : undefined;
    }, 'three attempts to be recorded');
    expect(rows.map((row) => [row.channel, row.error])).toEqual([['sms', 'timeout'], ['sms', 'http-429'], ['sms', null]]);
    // The third send came no sooner than the provider's Retry-After.
    expect(sms.receivedAt - rows[1].attempted_at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('every channel failing produces AssignmentUndeliverable (not an endless retry) and closes the offer', async () => {
    const offer = newOffer([{ kind: 'sms', address: newPhone() }, { kind: 'pager', address: 'pager-unknown' }]);
    twilioFake.failNext(1, 400);
    await produce(AssignmentOffered, offer);
    const failure = await waitFor(
      async () => received.find((event) => event.topic === harbor.topic(AssignmentUndeliverable.topic) && event.payload.assignmentId === offer.assignmentId)?.payload,
      'AssignmentUndeliverable',
    );
    expect(failure).toMatchObject({ caseId: offer.caseId, supporterId: offer.supporterId, failures: ['sms: http-400', 'pager: wctp-401'] });
    expect(await offerStatus(offer.assignmentId)).toBe('undeliverable');
  });

  it('a redelivered offer (same event again, or a new event id for the same assignment) sends one page', async () => {
    const phone = newPhone();
    const offer = newOffer([{ kind: 'sms', address: phone }]);
    const eventId = randomUUID();
    await produce(AssignmentOffered, offer, eventId);
    await produce(AssignmentOffered, offer, eventId);
    const thirdId = await produce(AssignmentOffered, offer);
    await smsTo(phone);
    // Same key, same partition: once the third record is processed, the two before it were too.
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."processed_messages" WHERE "event_id" = $1`, [thirdId])).rows[0], 'the third record');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows: dispatches } = await harbor.db.query(`SELECT count(*)::int AS n FROM "notification"."dispatches" WHERE "ref_id" = $1`, [offer.assignmentId]);
    expect(dispatches[0].n).toBe(1);
    expect(twilioFake.messages.filter((message) => message.to === phone)).toHaveLength(1);
  });

  it('reminders and coordinator escalations go through the same path (email over SMTP, retried after a 451)', async () => {
    smtp.failNext(1, 451);
    const pageId = randomUUID();
    await produce(StaffPageRequested, {
      pageId, kind: 'coordinator-escalation' as const, caseId: randomUUID(), recipientId: 'coordinator-1',
      channels: [{ kind: 'email', address: 'oncall-coordinator@example.org' }], requestedAt: new Date().toISOString(),
    });
    const mail = await waitFor(async () => smtp.mails.find((candidate) => candidate.to.includes('oncall-coordinator@example.org')), 'the escalation email');
    expect(mail.from).toBe('harbor@example.org');
    expect(mail.raw).toContain('Subject: Harbor peer support');
    expect(mail.raw).toContain('needs a coordinator');
    const rows = await waitFor(async () => {
      const result = await harbor.db.query(
        `SELECT a."error" FROM "notification"."delivery_attempts" a JOIN "notification"."dispatches" d ON d."id" = a."dispatch_id" WHERE d."ref_id" = $1 ORDER BY a."attempted_at"`,
        [pageId],
      );
      return result.rows.length === 2 ? result.rows : undefined;
    }, 'both attempts to be recorded');
    expect(rows.map((row) => row.error)).toEqual(['smtp-451', null]);
  });
});
