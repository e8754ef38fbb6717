import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Producer } from 'kafkajs';
import { Browser } from 'playwright-core';
import { Role } from '@harbor/auth';
import { AssignmentOffered, EncounterRecorded, StaffPageRequested, SupportRequested } from '@harbor/contracts';
import { DEFAULT_ENCOUNTER_CONTENT } from '../../apps/notification/src/encounters/encounter-content';
import { signEncounterLink } from '../../apps/notification/src/encounters/encounter-link';
import { ENCOUNTER_PAGE_HEADERS } from '../../apps/notification/src/encounters/encounter-page.html';
import { axeViolations, launchChromium } from '../support/browser';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, readTopic, waitFor } from '../support/infrastructure';
import { produceEvent } from '../support/produce-event';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const LINK_SECRET = 'link-secret-for-encounter-tests';
const TWILIO = { TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000014', TWILIO_AUTH_TOKEN: 'encounter-token', TWILIO_FROM_NUMBER: '+15559990014' };
const CLINICIAN = { name: 'Dr. Encounter Colleague', phone: '+15550014014' };
const SUPPORTER_PHONE = '+15550014015';

/** The fields a problem document names. */
function fields(problem: unknown): string[] {
  return (problem as { errors: { field: string }[] }).errors.map((error) => error.field);
}

/**
 * The supporter's encounter through the signed links, in Debian's Chromium at 320 px, with matching and
 * notification on real Kafka and Postgres: offer page → accept → encounter page (contact, guide, resources) →
 * contact made with resources → follow-up → close, and matching's case is closed. Then the links' edges:
 * purposes kept apart, expiry, cross-site submissions, programs without content, the content API's validation,
 * and matching dropping (not dead-lettering) an encounter the case cannot take.
 */
describe('the encounter page: from the accepted link to a closed case, on a phone', () => {
  const twilioFake = new FakeTwilio();
  let harbor: HarborHarness;
  let producer: Producer;
  let browser: Browser;
  let offerPath: string;
  let assignmentId: string;
  let caseId: string;
  let encounterPath: string;

  const url = (path: string) => `${harbor.urls.notification}${path}`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const caseStatus = async (): Promise<any> => (await (await harbor.request('matching', `/v1/cases/${caseId}`, { role: Role.ProgramAdmin })).json());
  const waitForStatus = (status: string) => waitFor(async () => {
    const kase = await caseStatus();
    return kase.status === status ? kase : undefined;
  }, `the case ${status}`);

  beforeAll(async () => {
    const twilioUrl = await twilioFake.start();
    harbor = await HarborHarness.start({
      services: ['matching', 'notification'],
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, ...TWILIO, NOTIFY_LINK_SECRET: LINK_SECRET, NOTIFY_DISPATCH_POLL_MS: '200' },
      },
    });
    producer = kafkaClient().producer();
    await producer.connect();
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    const clinician = {
      identifiers: [{ system: 'urn:test:employee', value: 'E-ENCOUNTER-1' }], displayName: CLINICIAN.name, profession: 'physician', facility: 'general', phone: CLINICIAN.phone,
    };
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(clinician) })).status).toBe(201);
    const supporter = {
      id: 'sup-encounter-1', displayName: 'Supporter Encounter', profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 3,
      channels: [{ kind: 'sms', address: SUPPORTER_PHONE }],
    };
    expect((await harbor.request('matching', '/v1/roster/supporters', { ...admin, body: JSON.stringify(supporter) })).status).toBe(201);
    browser = await launchChromium();

    await produceEvent(producer, harbor.topic(SupportRequested.topic), SupportRequested, {
      requestId: randomUUID(), clinician: { system: 'urn:test:employee', value: 'E-ENCOUNTER-1' },
      trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
      facility: 'general', requestedAt: new Date().toISOString(),
    });
    const page = await waitFor(async () => twilioFake.messages.find((message) => message.to === SUPPORTER_PHONE), 'the SMS page', 45_000);
    offerPath = new URL(/(https?:\/\/\S+\/a\/\S+)$/.exec(page.body)![1]).pathname;
    assignmentId = offerPath.slice('/a/'.length).split('.')[0];
    const { rows: [offer] } = await harbor.db.query<{ case_id: string; program_id: string }>(`SELECT "case_id", "program_id" FROM "notification"."offers" WHERE "assignment_id" = $1`, [assignmentId]);
    expect(offer.program_id).toBe('default');
    caseId = offer.case_id;
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await harbor?.stop();
    await twilioFake.stop();
  });

  it('takes a supporter from the offer page to a closed case at 320 px, accessible and with structured choices only', async () => {
    const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 });
    const page = await phone.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text()); });
    await page.goto(url(offerPath));
    await Promise.all([page.waitForNavigation(), page.click('button.accept')]);
    const cookies = await phone.cookies();
    expect(cookies.map((cookie) => cookie.path).sort()).toEqual(['/a/', '/e/']);
    await waitFor(async () => {
      await page.reload();
      return ((await page.textContent('body')) ?? '').includes(CLINICIAN.name);
    }, 'the contact on the accepted page');
    encounterPath = (await page.getAttribute('a[href^="/e/"]', 'href'))!;
    expect(encounterPath).toMatch(/^\/e\/[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]+$/);

    const opened = await Promise.all([page.waitForNavigation(), page.click('a[href^="/e/"]')]).then(([response]) => response!);
    expect(opened.status()).toBe(200);
    for (const [name, value] of Object.entries(ENCOUNTER_PAGE_HEADERS)) expect([name, opened.headers()[name]]).toEqual([name, value]);
    expect(await page.textContent('h1')).toBe('Supporting your colleague');
    expect(await page.textContent('body')).toContain(CLINICIAN.name); // the bound browser
    expect(await page.locator('ol li').allTextContents()).toEqual(DEFAULT_ENCOUNTER_CONTENT.guide);
    expect(await page.getAttribute('a[href^="tel:+1888"]', 'href')).toBe('tel:+18884090141');
    // No free text anywhere: only checkboxes and buttons.
    expect(await page.locator('textarea, input:not([type="checkbox"]), select').count()).toBe(0);
    expect(await page.locator('button').allTextContents()).toEqual(['I reached my colleague', 'My colleague declined support']);
    // Readable at 320 px: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/encounter-320.png', fullPage: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'encounter-1-first-contact.png'), fullPage: true });

    // Keyboard: a checkbox is reached with Tab, toggled with Space, and its focus is visible.
    await page.focus('#resource-0');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#resource-0')).toBe(true);
    expect(await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)).toBe('solid');
    await page.check('input[value="external-line"]');
    await page.check('#time-off');
    await Promise.all([page.waitForNavigation(), page.click('button[value="contact-made"]')]);
    const contacted = await waitForStatus('contacted');
    expect(contacted.outcome).toMatchObject({ contactMade: true, timeOffSuggested: true, referrals: expect.arrayContaining(['eap-therapy', 'external-line']) });
    expect(await page.locator('button').allTextContents()).toEqual(['I did a follow-up conversation', 'Close the case']);
    expect(await page.textContent('body')).toContain('You reached your colleague.');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'encounter-2-after-contact.png'), fullPage: true });

    // The same link works on another device for the guide and the record, without the contact.
    const laptop = await browser.newContext();
    const other = await laptop.newPage();
    await other.goto(url(encounterPath));
    expect(await other.textContent('body')).toContain('shown only on the device that accepted');
    expect(await other.textContent('body')).not.toContain(CLINICIAN.name);
    await Promise.all([other.waitForNavigation(), other.click('button[value="follow-up"]')]);
    expect((await waitForStatus('follow-up')).followUpsDone).toBe(1);
    await laptop.close();

    await page.reload();
    expect(await page.textContent('body')).toContain('Follow-up conversations: 1.');
    await Promise.all([page.waitForNavigation(), page.click('button[value="close"]')]);
    expect(await page.textContent('h1')).toBe('This case is closed');
    const closed = await waitForStatus('closed');
    expect(closed.outcome).toMatchObject({ contactMade: true, timeOffSuggested: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'encounter-3-closed.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
    // Matching closed the assignment; notification then shows the closed page to anyone holding the link.
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."offers" WHERE "assignment_id" = $1 AND "status" = 'closed'`, [assignmentId])).rows[0], 'the offer closed');
    const after = await harbor.request('notification', encounterPath);
    expect(await after.text()).toContain('This case is closed');
    await phone.close();
  });

  it('keeps the two link purposes apart, refuses expired links and cross-site submissions', async () => {
    const encounterToken = encounterPath.slice('/e/'.length);
    const offerToken = offerPath.slice('/a/'.length);
    expect((await harbor.request('notification', `/a/${encounterToken}`)).status).toBe(404);
    expect((await harbor.request('notification', `/e/${offerToken}`)).status).toBe(404);
    expect((await harbor.request('notification', `/e/${offerToken}`, { method: 'POST', body: JSON.stringify({ action: 'close' }) })).status).toBe(404);

    const expired = `/e/${signEncounterLink(LINK_SECRET, assignmentId, new Date(Date.now() - 60_000))}`;
    expect((await harbor.request('notification', expired)).status).toBe(410);
    expect((await harbor.request('notification', expired, { method: 'POST', body: JSON.stringify({ action: 'close' }) })).status).toBe(410);

    // A fresh offer, accepted through JSON, to try submissions on.
    const offer = await acceptedOffer('prog-unknown');
    const fresh = `/e/${signEncounterLink(LINK_SECRET, offer.assignmentId, new Date(Date.now() + 3_600_000))}`;
    const form = (headers: Record<string, string>) => harbor.request('notification', fresh, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'action=contact-made&resource=legal',
    });
    expect((await form({ origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await form({ origin: 'https://attacker.example' })).status).toBe(403);
    expect((await form({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    const { rows } = await harbor.db.query(`SELECT 1 FROM "notification"."encounter_records" WHERE "assignment_id" = $1`, [offer.assignmentId]);
    expect(rows).toEqual([]);
    // Only the steps the page offers, and only the program's resources.
    const step = (body: object) => harbor.request('notification', fresh, { method: 'POST', body: JSON.stringify(body) });
    expect((await step({ action: 'follow-up' })).status).toBe(409);
    const badResource = await step({ action: 'contact-made', resource: ['astrology'] });
    expect(badResource.status).toBe(422);
    expect(fields(await badResource.json())).toEqual(['resource']);
    const sameOrigin = await form({ origin: new URL(harbor.urls.notification).origin, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.status).toBe(303);
  });

  it('shows the default guide to a program without content; staff edit content through a validated API', async () => {
    const offer = await acceptedOffer('prog-without-content');
    const link = `/e/${signEncounterLink(LINK_SECRET, offer.assignmentId, new Date(Date.now() + 3_600_000))}`;
    expect(await (await harbor.request('notification', link)).text()).toContain(DEFAULT_ENCOUNTER_CONTENT.guide[1]);
    const staff = (path: string, init: RequestInit = {}) => harbor.request('notification', path, { role: Role.ProgramDirector, ...init });
    const defaults = await (await staff('/v1/programs/prog-without-content/encounter-content')).json();
    expect(defaults).toEqual({ program: 'prog-without-content', custom: false, ...DEFAULT_ENCOUNTER_CONTENT });

    const refused = async (body: unknown, field: string) => {
      const response = await staff('/v1/programs/prog-without-content/encounter-content', { method: 'PUT', body: JSON.stringify(body) });
      expect([field, response.status]).toEqual([field, 422]);
      expect(fields(await response.json())).toContain(field);
    };
    const resource = { kind: 'chaplaincy', label: 'Chaplaincy' };
    await refused({ guide: [], resources: [resource] }, 'guide');
    await refused({ guide: ['x'.repeat(201)], resources: [resource] }, 'guide');
    await refused({ guide: ['<script>alert(1)</script>'], resources: [resource] }, 'guide');
    await refused({ guide: ['Ask'], resources: [{ kind: 'astrology', label: 'Stars' }] }, 'resources.0.kind');
    await refused({ guide: ['Ask'], resources: [{ kind: 'legal', label: 'Legal\u202ehelp' }] }, 'resources.0.label');
    await refused({ guide: ['Ask'], resources: [{ ...resource, url: 'http://example.org' }] }, 'resources.0.url');
    await refused({ guide: ['Ask'], resources: [{ ...resource, phone: 'call me' }] }, 'resources.0.phone');
    await refused({ guide: ['Ask'], resources: [resource, resource] }, 'resources');
    await refused({ guide: ['Ask'], resources: [resource], notes: 'free text' }, 'notes');
    expect((await staff('/v1/programs/Not_A_Program/encounter-content')).status).toBe(422);
    expect((await harbor.request('notification', '/v1/programs/default/encounter-content', { role: Role.Supporter })).status).toBe(403);

    const content = { guide: ['How are you sleeping?', 'Who can you talk to at home?'], resources: [{ kind: 'chaplaincy', label: 'Chaplain on call', phone: '+1 555 010 0000' }] };
    const saved = await staff('/v1/programs/default/encounter-content', { method: 'PUT', body: JSON.stringify(content) });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ program: 'default', custom: true, ...content });
    // A program without its own content now shows the default program's.
    const page = await (await harbor.request('notification', link)).text();
    expect(page).toContain('How are you sleeping?');
    expect(page).toContain('Chaplain on call');
    expect(page).not.toContain(DEFAULT_ENCOUNTER_CONTENT.guide[1]);
  });

  it('puts a fresh encounter link in follow-up reminders', async () => {
    const offer = await acceptedOffer('prog-reminded');
    await produceEvent(producer, harbor.topic(StaffPageRequested.topic), StaffPageRequested, {
      pageId: randomUUID(), kind: 'follow-up-reminder', caseId: offer.caseId, recipientId: offer.supporterId, sequence: 1,
      channels: [{ kind: 'sms', address: offer.phone }], requestedAt: new Date().toISOString(),
    });
    const reminder = await waitFor(async () => twilioFake.messages.find((message) => message.to === offer.phone && message.body.includes('reminder')), 'the reminder');
    const link = new URL(/(https?:\/\/\S+\/e\/\S+)$/.exec(reminder.body)![1]).pathname;
    expect(link.startsWith(`/e/${offer.assignmentId}.`)).toBe(true);
    expect((await harbor.request('notification', link)).status).toBe(200);
  });

  it('drops, without dead-lettering, an encounter matching cannot apply', async () => {
    const conflicting = [
      // The closed case of the first test: a follow-up after the close.
      { recordId: randomUUID(), assignmentId, caseId, followUpCompleted: true, recordedAt: new Date().toISOString() },
      // An assignment that is not the case's accepted one.
      { recordId: randomUUID(), assignmentId: randomUUID(), caseId, contactMade: true, recordedAt: new Date().toISOString() },
    ];
    const ids: string[] = [];
    for (const payload of conflicting) ids.push(await produceEvent(producer, harbor.topic(EncounterRecorded.topic), EncounterRecorded, payload));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT "event_id" FROM "matching"."processed_messages" WHERE "event_id" = ANY($1)`, [ids]);
      return rows.length === ids.length;
    }, 'both encounters processed');
    expect((await caseStatus()).status).toBe('closed');
    expect(await readTopic(`${harbor.topic(EncounterRecorded.topic)}.dlq`, 1, 3_000).catch(() => [])).toEqual([]);
  });

  /** An offer made straight through AssignmentOffered (program as given), accepted by JSON; its page is sent by SMS. */
  async function acceptedOffer(programId: string) {
    const phoneNumber = `+1555002${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const offer = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${programId}`, programId,
      channels: [{ kind: 'sms' as const, address: phoneNumber }], respondBy: new Date(Date.now() + 600_000).toISOString(),
    };
    await produceEvent(producer, harbor.topic(AssignmentOffered.topic), AssignmentOffered, offer);
    const sms = await waitFor(async () => twilioFake.messages.find((message) => message.to === phoneNumber), 'the page');
    const path = new URL(/(https?:\/\/\S+)$/.exec(sms.body)![1]).pathname;
    const accepted = await harbor.request('notification', path, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { encounterUrl: string }).encounterUrl).toMatch(new RegExp(`/e/${offer.assignmentId}\\.`));
    const { rows: [row] } = await harbor.db.query<{ program_id: string }>(`SELECT "program_id" FROM "notification"."offers" WHERE "assignment_id" = $1`, [offer.assignmentId]);
    expect(row.program_id).toBe(programId);
    return { ...offer, phone: phoneNumber };
  }
});
