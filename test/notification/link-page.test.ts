import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigResourceTypes, Producer } from 'kafkajs';
import { Browser, Page } from 'playwright-core';
import { Role } from '@harbor/auth';
import { AssignmentOffered, ContactReleased, LegacyContactReleasedV1, sealReleasedContact, SupportRequested } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { DLQ_HEADER, readHeaders } from '@harbor/messaging';
import { LINK_PAGE_HEADERS } from '../../apps/notification/src/acknowledgements/link-page-headers';
import { signLink } from '../../apps/notification/src/offers/signed-link';
import { FakeTwilio, postTwilioWebhook } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, readTopic, waitFor } from '../support/infrastructure';
import { launchChromium } from '../support/browser';
import { produceEvent } from '../support/produce-event';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const LINK_SECRET = 'link-secret-for-link-page-tests';
// Mid-rotation: matching still seals with k1; notification already seals with k2 and opens both.
const K1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const K2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;
const TWILIO = { TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000003', TWILIO_AUTH_TOKEN: 'link-page-token', TWILIO_FROM_NUMBER: '+15559990003' };
const CANARY = { name: 'Dr. Canary Browsername', phone: '+15550007007', email: 'canary.browser@example.org' };
const CANARY_TEXTS = ['Canary', 'Browsername', '5550007007', 'canary.browser'];

/**
 * The signed link in a real browser (Debian Chromium through playwright-core), with matching and notification
 * through real Kafka and Postgres: the released contact is shown to the browser that accepted and to no other
 * holder of the link; it travels and rests sealed; every response of the link pages carries the same
 * no-store / no-referrer / CSP / no-framing headers. Screenshots of each state go to test-artifacts/.
 */
describe('the signed link: one browser sees the contact, sealed end to end', () => {
  const twilioFake = new FakeTwilio();
  let harbor: HarborHarness;
  let producer: Producer;
  let browser: Browser;
  let linkPath: string;
  let assignmentId: string;

  const screenshot = async (page: Page, name: string) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  };
  const expectLinkHeaders = (headers: Headers | Record<string, string>, what: string) => {
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]);
    for (const [name, value] of Object.entries(LINK_PAGE_HEADERS)) expect([what, name, get(name)]).toEqual([what, name, value]);
  };

  beforeAll(async () => {
    const twilioUrl = await twilioFake.start();
    const twilioEnv = { TWILIO_BASE_URL: twilioUrl, ...TWILIO };
    harbor = await HarborHarness.start({
      services: ['matching', 'notification'],
      serviceEnv: {
        matching: { CONTACT_ENCRYPTION_KEYS: K1 },
        notification: { ...twilioEnv, CONTACT_ENCRYPTION_KEYS: `${K2},${K1}`, NOTIFY_LINK_SECRET: LINK_SECRET, NOTIFY_DISPATCH_POLL_MS: '200' },
      },
    });
    producer = kafkaClient().producer();
    await producer.connect();
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    const clinician = {
      identifiers: [{ system: 'urn:test:employee', value: 'E-LINK-1' }], displayName: CANARY.name, profession: 'physician', facility: 'general',
      phone: CANARY.phone, email: CANARY.email,
    };
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(clinician) })).status).toBe(201);
    const supporter = {
      id: 'sup-link-1', displayName: 'Supporter Link', profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 3,
      channels: [{ kind: 'sms', address: '+15550008008' }],
    };
    expect((await harbor.request('matching', '/v1/roster/supporters', { ...admin, body: JSON.stringify(supporter) })).status).toBe(201);
    browser = await launchChromium();

    await produceEvent(producer, harbor.topic(SupportRequested.topic), SupportRequested, {
      requestId: randomUUID(), clinician: { system: 'urn:test:employee', value: 'E-LINK-1' },
      trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
      facility: 'general', requestedAt: new Date().toISOString(),
    });
    const page = await waitFor(async () => twilioFake.messages.find((message) => message.to === '+15550008008'), 'the SMS page', 45_000);
    linkPath = new URL(/(https?:\/\/\S+\/a\/\S+)$/.exec(page.body)![1]).pathname;
    assignmentId = linkPath.slice('/a/'.length).split('.')[0];
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await harbor?.stop();
    await twilioFake.stop();
  });

  it('shows the contact to the browser that accepted, and not to a second browser holding the same link', async () => {
    const accepting = await browser.newContext({ viewport: { width: 420, height: 760 } });
    const page = await accepting.newPage();
    const opened = await page.goto(`${harbor.urls.notification}${linkPath}`);
    expect(opened!.status()).toBe(200);
    expectLinkHeaders(opened!.headers(), 'the open offer page');
    expect(await page.textContent('h1')).toBe('A colleague may benefit from peer support');
    expect(await page.content()).not.toMatch(/Canary/);
    await screenshot(page, 'link-1-open-offer.png');

    await Promise.all([page.waitForNavigation(), page.click('button.accept')]);
    // One cookie for the link page, the same secret for the encounter page (/e/).
    const cookie = (await accepting.cookies()).find((candidate) => candidate.path === '/a/');
    expect(cookie).toMatchObject({ name: `harbor_viewer_${assignmentId}`, httpOnly: true, sameSite: 'Lax', path: '/a/' });
    // Matching releases the contact after the acceptance; the page says so until it arrives.
    const text = await waitFor(async () => {
      await page.reload();
      const body = (await page.textContent('body')) ?? '';
      return body.includes(CANARY.name) ? body : undefined;
    }, 'the contact on the accepted page');
    expect(text).toContain(CANARY.phone);
    expect(text).toContain(CANARY.email);
    expect(await page.getAttribute('a[href^="tel:"]', 'href')).toBe(`tel:${CANARY.phone}`);
    await screenshot(page, 'link-2-accepted-contact.png');

    const forwarded = await browser.newContext({ viewport: { width: 420, height: 760 } });
    const other = await forwarded.newPage();
    const response = await other.goto(`${harbor.urls.notification}${linkPath}`);
    expectLinkHeaders(response!.headers(), 'the accepted page for another browser');
    const seen = (await other.content()) + (await other.textContent('body'));
    expect(seen).toContain('shown only on the device that accepted');
    for (const secret of CANARY_TEXTS) expect(seen).not.toContain(secret);
    expect(await other.locator('form').count()).toBe(0);
    await screenshot(other, 'link-3-forwarded-link.png');
    // Nor can it take the contact over: the link's answers are spent and the page link claims nothing.
    const claim = await other.request.post(`${harbor.urls.notification}${linkPath}`, { data: { decision: 'claim' } });
    expect(claim.status()).toBe(409);
    const again = await other.request.post(`${harbor.urls.notification}${linkPath}`, { data: { decision: 'accept' } });
    expect(again.status()).toBe(409);
    expect(await other.request.get(`${harbor.urls.notification}${linkPath}`).then((answer) => answer.text())).not.toContain('Canary');
    await forwarded.close();
    await accepting.close();
  });

  it('accepted by SMS: the claim link texted back binds the first browser that uses it, and no other', async () => {
    const phone = '+15550006006';
    const offer = { assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: 'sup-sms', channels: [{ kind: 'sms' as const, address: phone }], respondBy: new Date(Date.now() + 600_000).toISOString() };
    await produceEvent(producer, harbor.topic(AssignmentOffered.topic), AssignmentOffered, offer);
    const sms = await waitFor(async () => twilioFake.messages.find((message) => message.to === phone), 'the page by SMS');
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."dispatches" WHERE "ref_id" = $1 AND "status" = 'sent'`, [offer.assignmentId])).rows[0], 'the page recorded as sent');
    const yes = twilioFake.receive(phone, `YES ${/YES (\d{4})/.exec(sms.body)![1]}`, { accountSid: TWILIO.TWILIO_ACCOUNT_SID, to: TWILIO.TWILIO_FROM_NUMBER });
    const answer = await postTwilioWebhook(
      (path, init) => harbor.request('notification', path, init),
      { publicBaseUrl: 'http://127.0.0.1:3003', authToken: TWILIO.TWILIO_AUTH_TOKEN, path: '/webhooks/twilio/sms' },
      { MessageSid: yes.sid, AccountSid: yes.accountSid, From: phone, To: yes.to, Body: yes.body },
    );
    const answerText = await answer.text();
    const claimPath = new URL(/(http:\/\/\S+\/a\/[^\s<]+)/.exec(answerText)![1]).pathname;
    expect(answerText).toMatch(new RegExp(`/e/${offer.assignmentId}\\.`)); // the encounter page, for any device

    const phoneBrowser = await browser.newContext({ viewport: { width: 420, height: 760 } });
    const page = await phoneBrowser.newPage();
    expectLinkHeaders((await page.goto(`${harbor.urls.notification}${claimPath}`))!.headers(), 'the claim page');
    expect(await page.textContent('button')).toBe('Show contact details on this device');
    await screenshot(page, 'link-5-claim.png');
    await Promise.all([page.waitForNavigation(), page.click('button.accept')]);
    expect(await page.textContent('body')).toContain('contact details are on their way');
    await screenshot(page, 'link-6-claimed-waiting.png');
    await produceEvent(producer, harbor.topic(ContactReleased.topic), ContactReleased, {
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId,
      sealedContact: sealReleasedContact(parseKeyRing(K1), offer.assignmentId, { displayName: 'Dr. Sms Claimant', email: 'claimant@example.org' }),
    });
    await waitFor(async () => {
      await page.reload();
      return ((await page.textContent('body')) ?? '').includes('Dr. Sms Claimant');
    }, 'the contact after the claim');

    const laptop = await browser.newContext();
    const other = await laptop.newPage();
    await other.goto(`${harbor.urls.notification}${claimPath}`);
    expect(await other.textContent('body')).toContain('shown only on the device that accepted');
    expect(await other.locator('button').count()).toBe(0);
    await laptop.close();
    await phoneBrowser.close();
  });

  it('keeps the contact sealed on the topic and in every matching and notification table, and drops the outbox row', async () => {
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [assignmentId])).rows[0], 'the stored contact');
    const records = await readTopic(harbor.topic(ContactReleased.topic), 1);
    expect(readHeaders(records[0].headers)).toMatchObject({ ce_type: 'org.harbor.contact.released.v2' });
    for (const record of records) for (const secret of CANARY_TEXTS) expect(record.value!.toString()).not.toContain(secret);

    // The topics carry the retention their events declare: a day for the sealed v2, an hour for the old clear-text v1.
    const admin = kafkaClient().admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [ContactReleased.topic, LegacyContactReleasedV1.topic].map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: harbor.topic(topic), configNames: ['retention.ms'] })),
    });
    await admin.disconnect();
    expect(Object.fromEntries(resources.map((resource) => [resource.resourceName, resource.configEntries[0].configValue]))).toEqual({
      [harbor.topic(ContactReleased.topic)]: '86400000', [harbor.topic(LegacyContactReleasedV1.topic)]: '3600000',
    });

    const { rows: outboxRows } = await harbor.db.query(`SELECT 1 FROM "matching"."outbox" WHERE "topic" = $1`, [harbor.topic(ContactReleased.topic)]);
    expect(outboxRows).toEqual([]);
    const { rows: [stored] } = await harbor.db.query(`SELECT "sealed_contact" FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [assignmentId]);
    expect(stored.sealed_contact.startsWith('k1.')).toBe(true); // as matching sealed it, opened with the rotated ring

    const { rows: tables } = await harbor.db.query(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_schema IN ('matching', 'notification') AND table_type = 'BASE TABLE'
         AND NOT (table_schema = 'matching' AND table_name = 'clinicians')`, // the directory itself: the source of record
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_schema: schema, table_name: table } of tables) {
      const { rows } = await harbor.db.query(`SELECT t::text AS row FROM "${schema}"."${table}" t`);
      for (const { row } of rows) for (const secret of CANARY_TEXTS) expect([`${schema}.${table}`, row.includes(secret)]).toEqual([`${schema}.${table}`, false]);
    }
  });

  it('puts no-store, no-referrer, CSP and no-framing on every response of the link pages, errors included', async () => {
    const notification = (path: string, init?: RequestInit) => harbor.request('notification', path, init);
    const expired = `/a/${signLink(LINK_SECRET, randomUUID(), new Date(Date.now() - 60_000))}`;
    const unknownOffer = `/a/${signLink(LINK_SECRET, randomUUID(), new Date(Date.now() + 60_000))}`;
    const cases: [string, Promise<Response>, number][] = [
      ['a forged link', notification('/a/not-a-link'), 404],
      ['an expired link', notification(expired), 410],
      ['a signed link to no offer', notification(unknownOffer), 404],
      ['a missing decision', notification(linkPath, { method: 'POST', body: JSON.stringify({}) }), 422],
      ['a body that is not JSON', notification(linkPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":' }), 400],
      ['a method the route does not have', notification(linkPath, { method: 'PUT', body: '{}' }), 404],
      ['an answer to an answered offer', notification(linkPath, { method: 'POST', body: JSON.stringify({ decision: 'decline' }) }), 409],
    ];
    for (const [what, pending, status] of cases) {
      const response = await pending;
      expect([what, response.status]).toEqual([what, status]);
      expectLinkHeaders(response.headers, what);
    }
    // The CSP is enforced: the page's own style applies, nothing else would load.
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
    await page.goto(`${harbor.urls.notification}${expired}`);
    expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).toBe('448px'); // 28rem: the style sheet applied
    expect(violations).toEqual([]);
    await screenshot(page, 'link-4-expired.png');
    await context.close();
  });

  it('dead-letters a contact sealed under a key notification does not hold, naming the key; drains clear-text v1 records sealed', async () => {
    const unknownKey = parseKeyRing(`k9:${Buffer.alloc(32, 9).toString('base64')}`);
    const stray = { assignmentId: randomUUID(), caseId: randomUUID(), supporterId: 'sup-x' };
    await produceEvent(producer, harbor.topic(ContactReleased.topic), ContactReleased, {
      ...stray, sealedContact: sealReleasedContact(unknownKey, stray.assignmentId, { displayName: 'Dr. Lost Key' }),
    });
    const dead = await waitFor(async () => {
      const records = await readTopic(`${harbor.topic(ContactReleased.topic)}.dlq`, 1);
      return records.find((record) => record.value!.toString().includes(stray.assignmentId));
    }, 'the dead-lettered contact');
    expect(readHeaders(dead.headers)).toMatchObject({
      [DLQ_HEADER.errorClass]: 'UnreadableContactError', [DLQ_HEADER.errorMessage]: expect.stringContaining('"k9"'),
    });

    // A record matching published in clear before the upgrade: stored sealed (under notification's current key).
    const offer = { assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: 'sup-legacy', channels: [{ kind: 'sms' as const, address: '+15550009009' }], respondBy: new Date(Date.now() + 600_000).toISOString() };
    await produceEvent(producer, harbor.topic(AssignmentOffered.topic), AssignmentOffered, offer);
    const sms = await waitFor(async () => twilioFake.messages.find((message) => message.to === '+15550009009'), 'the legacy offer page');
    const path = new URL(/(https?:\/\/\S+)$/.exec(sms.body)![1]).pathname;
    const accepted = await harbor.request('notification', path, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    const asAcceptingBrowser = { headers: { cookie: accepted.headers.get('set-cookie')!.split(';')[0] } };
    await produceEvent(producer, harbor.topic(LegacyContactReleasedV1.topic), LegacyContactReleasedV1, {
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: offer.supporterId, clinician: { displayName: 'Dr. Legacy Clear', phone: '+15550001212' },
    });
    const html = await waitFor(async () => {
      const body = await (await harbor.request('notification', path, asAcceptingBrowser)).text();
      return body.includes('Dr. Legacy Clear') ? body : undefined;
    }, 'the drained v1 contact');
    expect(html).toContain('tel:+15550001212');
    const { rows: [row] } = await harbor.db.query(`SELECT "sealed_contact" FROM "notification"."released_contacts" WHERE "assignment_id" = $1`, [offer.assignmentId]);
    expect(row.sealed_contact.startsWith('k2.')).toBe(true);
    expect(row.sealed_contact).not.toContain('Legacy');
  });
});
