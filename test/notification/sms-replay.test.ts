import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { DEVELOPMENT_CONTACT_ENCRYPTION_KEYS } from '@harbor/config';
import { AssignmentOffered, AssignmentOfferedV1, ContactReleased, sealReleasedContact } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { smsAddressHash } from '../../apps/notification/src/dispatch/address-hash';
import { LINK_PAGE_HEADERS } from '../../apps/notification/src/acknowledgements/link-page-headers';
import { FakeTwilio, InboundMessage, postTwilioWebhook } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';
import { produceEvent } from '../support/produce-event';

const PUBLIC_BASE = 'https://harbor.example.org';
const AUTH_TOKEN = 'twilio-auth-token-for-replay-tests';
const ACCOUNT = 'AC00000000000000000000000000000002';
const HARBOR_NUMBER = '+15559990002';
const LINK_SECRET = 'link-secret-for-replay-tests';
const SMS_HASH_KEY = 'sms-hash-key-for-replay-tests';
const CODE = /Reply YES (\d{4})/;

/**
 * Inbound SMS against replays, through real Kafka and Postgres with a local Twilio-compatible server that also
 * serves the message resource (so Harbor can learn when a message was written). A signed webhook is a
 * recording: it must be refused when replayed, when old, and must never answer an offer paged after it.
 */
describe('notification: inbound SMS replays, SMS-number digests and claim links', () => {
  const twilioFake = new FakeTwilio();
  let harbor: HarborHarness;
  let producer: Producer;
  let phoneCounter = 0;

  beforeAll(async () => {
    const twilioUrl = await twilioFake.start();
    harbor = await HarborHarness.start({
      services: ['notification'],
      serviceEnv: {
        notification: {
          NOTIFY_PUBLIC_BASE_URL: PUBLIC_BASE,
          NOTIFY_LINK_SECRET: LINK_SECRET,
          NOTIFY_SMS_HASH_KEY: SMS_HASH_KEY,
          NOTIFY_SMS_REPLY_MAX_AGE_SECONDS: '600',
          TWILIO_BASE_URL: twilioUrl,
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          TWILIO_FROM_NUMBER: HARBOR_NUMBER,
          NOTIFY_DISPATCH_POLL_MS: '200',
        },
      },
    });
    producer = kafkaClient().producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harbor?.stop();
    await twilioFake.stop();
  });

  const newPhone = () => `+1556${String(Date.now() % 100000).padStart(5, '0')}${String(++phoneCounter).padStart(2, '0')}`;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Pages the supporter behind `phone` by SMS and waits until the page was sent (and recorded as sent). */
  async function pageBySms(phone: string, supporterId = `sup-${uniqueSuffix()}`): Promise<AssignmentOfferedV1 & { code: string; link: string }> {
    const offer: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId, channels: [{ kind: 'sms', address: phone }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    const before = twilioFake.messages.filter((message) => message.to === phone).length;
    await produceEvent(producer, harbor.topic(AssignmentOffered.topic), AssignmentOffered, offer);
    const sms = await waitFor(async () => twilioFake.messages.filter((message) => message.to === phone)[before], `page ${before + 1} to ${phone}`);
    await waitFor(async () => (await harbor.db.query(
      `SELECT 1 FROM "notification"."dispatches" WHERE "ref_id" = $1 AND "status" = 'sent'`, [offer.assignmentId])).rows[0], 'the page to be recorded as sent');
    return { ...offer, code: CODE.exec(sms.body)![1], link: /(https:\/\/\S+)$/.exec(sms.body)![1] };
  }

  /** Twilio calls the webhook for a message it recorded (the signature is valid: this is what an attacker would capture). */
  const deliver = (message: InboundMessage) =>
    postTwilioWebhook(
      (path, init) => harbor.request('notification', path, init),
      { publicBaseUrl: PUBLIC_BASE, authToken: AUTH_TOKEN, path: '/webhooks/twilio/sms' },
      { MessageSid: message.sid, SmsSid: message.sid, AccountSid: ACCOUNT, From: message.from, To: HARBOR_NUMBER, Body: message.body },
    );
  const send = (from: string, body: string, dateCreated?: Date) => twilioFake.receive(from, body, { accountSid: ACCOUNT, to: HARBOR_NUMBER, dateCreated });
  const status = async (assignmentId: string) =>
    (await harbor.db.query(`SELECT "status" FROM "notification"."offers" WHERE "assignment_id" = $1`, [assignmentId])).rows[0]?.status;
  const consent = async (phone: string) =>
    (await harbor.db.query(`SELECT "opted_out", "legacy_hash" FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1`, [smsAddressHash(SMS_HASH_KEY, phone)])).rows[0];

  it('a replayed YES is refused, and a YES written before an offer was paged never accepts that offer', async () => {
    const phone = newPhone();
    const supporterId = `sup-${uniqueSuffix()}`;
    const first = await pageBySms(phone, supporterId);
    const yes = send(phone, 'YES');
    const accepted = await deliver(yes);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('thank you for accepting');
    expect(await status(first.assignmentId)).toBe('accepted');

    // Written now, delivered (or replayed by someone who captured it) only after the next offer was paged.
    const writtenBeforeSecondOffer = send(phone, 'YES');
    await pause(1100);
    const second = await pageBySms(phone, supporterId);

    const replay = await deliver(yes);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('content-type')).toContain('application/problem+json');
    expect(await replay.json()).toMatchObject({ title: 'This message was already processed' });
    const late = await deliver(writtenBeforeSecondOffer);
    expect(late.status).toBe(200);
    expect(await late.text()).toContain('no open request');
    const lateWithCode = await deliver(send(phone, `YES ${second.code}`, new Date(Date.now() - 5000)));
    expect(await lateWithCode.text()).toContain('does not match an open request');
    expect(await status(second.assignmentId)).toBe('open');

    // A YES written after the page reached the phone still works.
    expect(await (await deliver(send(phone, 'YES'))).text()).toContain('thank you for accepting');
    expect(await status(second.assignmentId)).toBe('accepted');
  });

  it('refuses a message older than NOTIFY_SMS_REPLY_MAX_AGE_SECONDS or unknown to Twilio; a failed look-up records nothing and asks to resend', async () => {
    const phone = newPhone();
    const offer = await pageBySms(phone);
    const old = await deliver(send(phone, `YES ${offer.code}`, new Date(Date.now() - 11 * 60_000)));
    expect(old.status).toBe(422);
    expect(await old.json()).toMatchObject({ errors: [{ field: 'MessageSid', message: expect.stringContaining('NOTIFY_SMS_REPLY_MAX_AGE_SECONDS') }] });
    const unknown = await deliver({ sid: `SM${'0'.repeat(32)}`, accountSid: ACCOUNT, from: phone, to: HARBOR_NUMBER, body: `YES ${offer.code}`, dateCreated: new Date() });
    expect(unknown.status).toBe(422);
    const forOtherNumber = send(newPhone(), `YES ${offer.code}`);
    const spoofed = await deliver({ ...forOtherNumber, from: phone });
    expect(spoofed.status).toBe(422);
    expect(await status(offer.assignmentId)).toBe('open');

    twilioFake.failNextLookup(503);
    const yes = send(phone, `YES ${offer.code}`);
    const unchecked = await deliver(yes);
    expect(unchecked.status).toBe(200);
    expect(await unchecked.text()).toContain('send it again');
    expect(await status(offer.assignmentId)).toBe('open');
    // Nothing was recorded, so the same message (Twilio's retry, or the supporter's resend) still counts.
    expect(await (await deliver(yes)).text()).toContain('thank you for accepting');
    expect(await status(offer.assignmentId)).toBe('accepted');
  });

  it('a replayed or late STOP cannot undo a later START', async () => {
    const phone = newPhone();
    const stop = send(phone, 'STOP');
    const stopWrittenBeforeStart = send(phone, 'STOP');
    expect((await deliver(stop)).status).toBe(200);
    expect(await consent(phone)).toEqual({ opted_out: true, legacy_hash: false });
    await pause(1100);
    expect(await (await deliver(send(phone, 'START'))).text()).toContain('texts are on again');
    expect(await consent(phone)).toEqual({ opted_out: false, legacy_hash: false });

    expect((await deliver(stop)).status).toBe(409);
    const late = await deliver(stopWrittenBeforeStart);
    expect(late.status).toBe(200);
    expect(await consent(phone)).toEqual({ opted_out: false, legacy_hash: false });
    // Pages reach the number again.
    await pageBySms(phone);
  });

  it('keys SMS-number digests with NOTIFY_SMS_HASH_KEY; an opt-out digested with the link secret still holds and moves to the new key', async () => {
    const phone = newPhone();
    const legacy = smsAddressHash(LINK_SECRET, phone);
    await harbor.db.query(
      `INSERT INTO "notification"."sms_opt_outs" ("address_hash", "opted_out", "changed_at", "legacy_hash") VALUES ($1, true, now(), true)`, [legacy]);
    const offer: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels: [{ kind: 'sms', address: phone }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    await produceEvent(producer, harbor.topic(AssignmentOffered.topic), AssignmentOffered, offer);
    const dispatch = await waitFor(async () => (await harbor.db.query(
      `SELECT "status", "failures" FROM "notification"."dispatches" WHERE "ref_id" = $1 AND "status" <> 'pending'`, [offer.assignmentId])).rows[0], 'the page to give up');
    expect(dispatch).toEqual({ status: 'failed', failures: ['sms: opted-out'] });
    expect(twilioFake.messages.filter((message) => message.to === phone)).toEqual([]);
    expect(await consent(phone)).toEqual({ opted_out: true, legacy_hash: false });
    expect((await harbor.db.query(`SELECT 1 FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1`, [legacy])).rows).toEqual([]);
    const { rows: [stored] } = await harbor.db.query(`SELECT "sms_address_hash" FROM "notification"."offers" WHERE "assignment_id" = $1`, [offer.assignmentId]);
    expect(stored.sms_address_hash).toBe(smsAddressHash(SMS_HASH_KEY, phone));
  });

  it('accepted by SMS: the answer brings a claim link that shows the contact to the first browser only', async () => {
    const phone = newPhone();
    const offer = await pageBySms(phone);
    const answer = await (await deliver(send(phone, `YES ${offer.code}`))).text();
    const claimLink = /(https:\/\/harbor\.example\.org\/a\/[^\s<]+)/.exec(answer)![1];
    const claimPath = new URL(claimLink).pathname;
    expect(claimPath).not.toBe(new URL(offer.link).pathname);
    expect(claimPath.split('.')).toHaveLength(4);
    await produceEvent(producer, harbor.topic(ContactReleased.topic), ContactReleased, {
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId,
      sealedContact: sealReleasedContact(parseKeyRing(DEVELOPMENT_CONTACT_ENCRYPTION_KEYS), offer.assignmentId, { displayName: 'Dr. Claim Canary', phone: '+15550004004' }),
    });
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [offer.assignmentId])).rows[0], 'the contact');

    // The page link, forwarded or seen by others on the channel, shows nothing; so does the claim link before the tap.
    const viaPageLink = await harbor.request('notification', new URL(offer.link).pathname);
    expect(await viaPageLink.text()).toContain('shown only on the device that accepted');
    const beforeClaim = await harbor.request('notification', claimPath);
    for (const [name, value] of Object.entries(LINK_PAGE_HEADERS)) expect(beforeClaim.headers.get(name)).toBe(value);
    const claimPage = await beforeClaim.text();
    expect(claimPage).toContain('Show contact details on this device');
    expect(claimPage).not.toContain('Claim Canary');
    // The claim link answers nothing.
    expect((await harbor.request('notification', claimPath, { method: 'POST', body: JSON.stringify({ decision: 'decline' }) })).status).toBe(422);

    const claimed = await harbor.request('notification', claimPath, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=claim', redirect: 'manual',
    });
    expect(claimed.status).toBe(303);
    const cookie = claimed.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    const asClaimingBrowser = { headers: { cookie: cookie.split(';')[0] } };
    expect(await (await harbor.request('notification', claimPath, asClaimingBrowser)).text()).toContain('Dr. Claim Canary');
    expect(await (await harbor.request('notification', new URL(offer.link).pathname, asClaimingBrowser)).text()).toContain('tel:+15550004004');

    const secondClaim = await harbor.request('notification', claimPath, { method: 'POST', body: JSON.stringify({ decision: 'claim' }) });
    expect(secondClaim.status).toBe(409);
    expect(await secondClaim.json()).toMatchObject({ title: 'The contact details are shown on another device.' });
    expect(await (await harbor.request('notification', claimPath)).text()).not.toContain('Claim Canary');
  });
});
