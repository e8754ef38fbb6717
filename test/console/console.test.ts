import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { freePort } from '../support/secured-kafka';
import { buildServices, ServiceProcess } from '../support/service-process';
import { axeViolations, launchChromium } from '../support/browser';
import { nativeIncident, waitForClinician } from '../intake/intake-helpers';

const ROOT = resolve(__dirname, '..', '..');
const SHOTS = join(ROOT, '.cache', 'console-screenshots');
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const SUPPORTER_PHONE = '+15550018018';

/** The development identity process (token issuer + OpenID provider, scripts/stack/dev-identity.js) on a free port. */
async function startDevIdentity(port: number, consoleUrl: string): Promise<{ child: ChildProcess; url: string; tokens: Record<Role, string> }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'stack', 'dev-identity.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HARBOR_DIST_DIR: join(ROOT, '.cache', 'test-dist'), DEV_ISSUER_PORT: String(port), CONSOLE_PUBLIC_BASE_URL: consoleUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = await waitFor(async () => output.split('\n').find((entry) => entry.startsWith('{"issuer"')), 'the development identity to start', 30_000).catch((error) => {
    throw new Error(`${error.message}: ${output}`);
  });
  const { issuer, tokens } = JSON.parse(line) as { issuer: string; tokens: Record<Role, string> };
  return { child, url: issuer, tokens };
}

/**
 * The program team's console in Debian's Chromium, against the real services, Kafka and Postgres: sign in through
 * the development OpenID provider (code + PKCE), add a supporter, import the directory, resolve a triage item,
 * and watch the case move from offered to accepted as the supporter answers through the link of their SMS page.
 * Every page is checked with axe-core and photographed at 320 px.
 */
describe('console', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  let identity: { child: ChildProcess; url: string; tokens: Record<Role, string> };
  let consoleProcess: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleUrl: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const [twilioUrl, consolePort, identityPort] = await Promise.all([twilio.start(), freePort(), freePort(), buildServices()]);
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    identity = await startDevIdentity(identityPort, consoleUrl);
    harbor = await HarborHarness.start({
      externalIssuer: { url: identity.url, tokens: identity.tokens },
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000' },
      },
    });
    consoleProcess = ServiceProcess.start('console', consolePort, {
      DATABASE_URL: harbor.databaseUrl,
      METRICS_PORT: '0',
      AUTH_ISSUER: identity.url,
      CONSOLE_OIDC_ISSUER: identity.url,
      CONSOLE_PUBLIC_BASE_URL: consoleUrl,
      CONSOLE_INTAKE_URL: harbor.urls.intake,
      CONSOLE_MATCHING_URL: harbor.urls.matching,
      CONSOLE_NOTIFICATION_URL: harbor.urls.notification,
      CONSOLE_REPORTING_URL: harbor.urls.reporting,
    });
    await consoleProcess.waitUntilReady().catch((error) => {
      throw new Error(`${error.message}: ${consoleProcess.output.join('\n')}`);
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await consoleProcess?.stop();
    identity?.child.kill('SIGTERM');
    await harbor?.stop();
    await twilio.stop();
  });

  async function newSession(): Promise<void> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
    // The development sign-in page imports a web font; nothing leaves the machine.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    page = await context.newPage();
  }

  async function signIn(user: string, path = '/'): Promise<void> {
    await newSession();
    await page.goto(`${consoleUrl}${path}`);
    expect(page.url()).toContain(`${identity.url}/interaction/`);
    await page.fill('input[name=login]', user);
    await page.fill('input[name=password]', 'any password');
    await Promise.all([page.waitForURL(`${consoleUrl}/**`), page.click('button[type=submit]')]);
  }

  /** axe over the page, and a look at 320 px (the narrowest phone): no sideways scrolling of the page itself. */
  async function checkPage(name: string): Promise<void> {
    expect({ name, violations: await axeViolations(page) }).toEqual({ name, violations: [] });
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
    });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    expect({ name, overflow }).toEqual({ name, overflow: 0 });
    await page.setViewportSize({ width: 1024, height: 900 });
  }

  it('signs the administrator in through OpenID Connect; no token reaches the browser', async () => {
    await signIn('admin');
    expect(new URL(page.url()).pathname).toBe('/cases');
    expect(await page.textContent('h1')).toBe('Cases');
    expect(await page.textContent('header')).toContain('Ada Admin');
    const cookies = await context.cookies(consoleUrl);
    const session = cookies.find((cookie) => cookie.name === 'harbor_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookies.map((cookie) => cookie.value).join(' ')).not.toMatch(/eyJ/);
    const storage = await page.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: object }).localStorage, ...(globalThis as unknown as { sessionStorage: object }).sessionStorage }));
    expect(storage).toBe('{}');
    const response = await page.request.get(`${consoleUrl}/cases`);
    expect(response.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await response.text()).not.toMatch(/eyJ[\w-]+\.eyJ/);
    await checkPage('cases-empty');
  });

  it('keeps the session when Postgres ends the session store’s idle connections (a restart or failover)', async () => {
    await page.goto(`${consoleUrl}/cases`);
    const ended = await harbor.db.query(
      `SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = current_database() AND "application_name" = 'harbor-console-sessions'`,
    );
    expect(ended.rowCount).toBeGreaterThanOrEqual(1);
    await waitFor(async () => consoleProcess.containing('lost an idle database connection').length > 0, 'the console to log the lost connection');
    const response = await page.goto(`${consoleUrl}/cases`);
    expect(response!.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Cases');
    expect(consoleProcess.running).toBe(true);
  });

  it('adds a supporter with channels, training, capacity and weekly availability, then pauses and activates them', async () => {
    await page.goto(`${consoleUrl}/roster/new`);
    await checkPage('roster-new');
    await page.fill('#id', 'sup-console');
    await page.fill('#displayName', 'Casey Console');
    await page.selectOption('#profession', 'physician');
    await page.fill('#department', 'surgery');
    await page.fill('#trainingExpiresOn', '2099-12-31');
    await page.fill('#maxOpenCases', '2');
    await page.selectOption('#channelKind0', 'sms');
    await page.fill('#channelAddress0', SUPPORTER_PHONE);
    await page.check('input[name=recognitionConsent]');
    await Promise.all([page.waitForURL(`${consoleUrl}/roster/sup-console`), page.click('button:has-text("Add supporter")')]);
    expect(await page.textContent('[role=status]')).toContain('Supporter added');
    expect(await page.textContent('#supporter-status')).toBe('active');

    // A bad value comes back as the service's problem, naming the field, with what was typed kept.
    await page.fill('#timeZone', 'Mars/Olympus_Mons');
    await page.click('button:has-text("Save changes")');
    expect(await page.textContent('[role=alert]')).toMatch(/timeZone/);
    expect(await page.inputValue('#displayName')).toBe('Casey Console');
    // A valid edit keeps what the form shows and does not change: the supporter's consent stays given.
    await page.fill('#timeZone', 'UTC');
    await page.fill('#department', 'trauma surgery');
    await page.click('button:has-text("Save changes")');
    expect(await page.isChecked('input[name=recognitionConsent]')).toBe(true);

    await page.goto(`${consoleUrl}/roster/sup-console`);
    await page.click('button:has-text("Pause")');
    await page.waitForSelector('#supporter-status:has-text("paused")');
    await page.click('button:has-text("Activate")');
    await page.waitForSelector('#supporter-status:has-text("active")');
    // Every day around the clock: the case below must find the supporter on call.
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
      await page.fill(`#start-${day}`, '00:00');
      await page.fill(`#end-${day}`, '00:00');
    }
    await page.click('button:has-text("Save availability")');
    expect(await page.textContent('[role=status]')).toContain('Availability saved');
    expect(await page.inputValue('#start-wed')).toBe('00:00');
    await checkPage('roster-supporter');
    const supporter = (await (await harbor.request('matching', '/v1/roster/supporters/sup-console', { role: Role.ProgramAdmin })).json()) as Record<string, unknown>;
    expect(supporter).toMatchObject({
      status: 'active', maxOpenCases: 2, trainingExpiresOn: '2099-12-31', channels: [{ kind: 'sms', address: SUPPORTER_PHONE }],
      department: 'trauma surgery', recognitionConsent: true, optedOut: false,
    });
    await page.goto(`${consoleUrl}/roster`);
    expect(await page.textContent('main')).toContain('Casey Console');
    await checkPage('roster');
  });

  it('imports the directory and shows the report row by row', async () => {
    await page.goto(`${consoleUrl}/directory`);
    const csv = `identifiers,displayName,profession,department,facility,phone\n${NPI}|1234567893,Dr. Tess Triage,nursing,emergency,general,+15550019019\n,No Identifier,,,,\n`;
    await page.setInputFiles('#file', { name: 'clinicians.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('button:has-text("Upload")');
    await page.waitForSelector('h2:has-text("Import report")');
    expect(await page.textContent('main')).toMatch(/created: 1/);
    // Row by row: the imported row with its Harbor id, the refused one with the field named.
    expect(await page.textContent('main')).toMatch(/imported \(1\)/);
    expect(await page.textContent('main')).toMatch(/profession should not be empty/);
    await checkPage('directory-report');
  });

  it('resolves a triage item to a clinician, and the case moves from offered to accepted as the supporter answers', async () => {
    const adverseEvent = {
      resourceType: 'AdverseEvent', identifier: [{ system: 'urn:ehr:ae', value: 'AE-CONSOLE-1' }], actuality: 'actual', date: '2026-11-26T03:00:00Z',
      category: [{ coding: [{ code: 'assault' }] }], seriousness: { coding: [{ code: 'serious' }] }, location: { reference: 'Location/general' },
      subject: { type: 'Practitioner', display: 'Nurse Tess on the night shift' },
    };
    const submitted = await harbor.request('intake', '/fhir/AdverseEvent', { method: 'POST', role: Role.SourceSystem, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(adverseEvent) });
    expect(submitted.status).toBe(202);

    await waitFor(async () => {
      await page.goto(`${consoleUrl}/triage`);
      return (await page.locator('.triage-item').count()) > 0 || undefined;
    }, 'the triage item in the console');
    expect(await page.textContent('.triage-item')).toContain('Nurse Tess on the night shift');
    await checkPage('triage');
    await page.fill('#value-0', '1234567893');
    await page.click('.triage-item button:has-text("Resolve")');
    expect(await page.textContent('[role=status]')).toContain('support was requested');

    // Offered: the board shows who it waits for, and for how long.
    await waitFor(async () => {
      await page.goto(`${consoleUrl}/cases`);
      return (await page.textContent('#waiting'))?.includes('(1)') || undefined;
    }, 'the case waiting for acknowledgement on the board');
    const waiting = await page.textContent('section[aria-labelledby=waiting]');
    expect(waiting).toContain('sup-console');
    expect(waiting).toMatch(/\d+ min/);
    // Nothing about the event or the clinician on the board.
    for (const secret of ['Tess', 'assault', 'emergency', '1234567893', 'general']) expect(await page.textContent('main')).not.toContain(secret);
    await checkPage('cases-offered');
    await page.click('section[aria-labelledby=waiting] a');
    expect(await page.textContent('#case-status')).toBe('offered');
    expect(await page.textContent('main')).toContain('chosen');
    await checkPage('case-detail');

    // The supporter answers through the link of their SMS page.
    const sms = await waitFor(async () => twilio.messages.find((message) => message.to === SUPPORTER_PHONE), 'the SMS page');
    const link = new URL(/(https?:\/\/\S+\/a\/\S+)/.exec(sms.body)![1]);
    const answered = await harbor.request('notification', link.pathname, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(answered.status).toBe(200);

    await waitFor(async () => {
      await page.reload();
      return (await page.textContent('#case-status')) === 'accepted' || undefined;
    }, 'the case detail to show the acceptance');
    await page.goto(`${consoleUrl}/cases`);
    expect(await page.textContent('#waiting')).toContain('(0)');
    expect(await page.textContent('section[aria-labelledby=all]')).toContain('accepted');
    expect(await page.textContent('#named-in-event')).toContain('(0)');

    // The same event later names the supporter too (how matching gets there: test/medium/matching/event-involvement):
    // the board lists the case for staff to decide, and the case shows on which offer, still without event details.
    await harbor.db.query(`UPDATE "matching"."assignments" SET "named_in_event_at" = now() WHERE "supporter_id" = 'sup-console' AND "status" = 'accepted'`);
    await page.reload();
    const named = await page.textContent('section[aria-labelledby=named-in-event]');
    expect(await page.textContent('#named-in-event')).toContain('(1)');
    expect(named).toContain('sup-console');
    for (const secret of ['Tess', 'assault', 'emergency', '1234567893', 'general']) expect(await page.textContent('main')).not.toContain(secret);
    await checkPage('cases-supporter-named-in-event');
    await page.click('section[aria-labelledby=named-in-event] a');
    expect(await page.textContent('.offer .notice')).toContain('The same event named this supporter too');
    await checkPage('case-detail-supporter-named-in-event');
  });

  it('serves the program pages to the administrator', async () => {
    for (const [path, heading, shot] of [
      ['/settings', 'Program settings', 'settings'],
      ['/opt-outs', 'Opt-outs', 'opt-outs'],
      ['/training-lapses', 'Training lapses', 'training-lapses'],
      ['/staff-pages', 'Failed staff pages', 'staff-pages'],
    ]) {
      const response = await page.goto(`${consoleUrl}${path}`);
      expect({ path, status: response!.status() }).toEqual({ path, status: 200 });
      expect(await page.textContent('h1')).toBe(heading);
      await checkPage(shot);
    }
    // Settings round trip: a policy value and the guide; intake's trigger policy shown as configured.
    await page.goto(`${consoleUrl}/settings`);
    expect(await page.inputValue('#minHarmLevel')).toBe('mild');
    await page.fill('#ackTimeoutMinutes', '20');
    await page.click('button:has-text("Save policy")');
    expect(await page.textContent('[role=status]')).toContain('Policy saved');
    expect(await page.inputValue('#ackTimeoutMinutes')).toBe('20');
    await page.fill('#guide', 'Ask how they are doing.\nListen first.');
    await page.click('button:has-text("Save guide and resources")');
    expect(await page.textContent('[role=status]')).toContain('Guide and resources saved');
    expect(await page.inputValue('#guide')).toBe('Ask how they are doing.\nListen first.');
    // Opt-outs: recorded, then checked one identifier at a time (there is no list of the registry).
    await page.goto(`${consoleUrl}/opt-outs`);
    await page.fill('#add-value', '1999999999');
    await page.click('button:has-text("Add opt-out")');
    expect(await page.textContent('#opt-out-answer')).toContain('1999999999 has opted out');
    await page.fill('#remove-value', '1999999999');
    await page.click('button:has-text("Remove opt-out")');
    expect(await page.textContent('#opt-out-answer')).toContain('has not opted out');
    // The recognition page is the director's.
    expect((await page.goto(`${consoleUrl}/recognition`))!.status()).toBe(403);
  });

  it('changes intake’s harm threshold: the next incidents below it are recorded only, those at it are served', async () => {
    const decisionFor = async (harmLevel: string) => {
      const value = `tp-console-${harmLevel}-${Date.now()}`;
      const submitted = await harbor.request('intake', '/v1/incidents', { method: 'POST', role: Role.SourceSystem, body: JSON.stringify(nativeIncident([value], { harmLevel })) });
      expect(submitted.status).toBe(202);
      const [row] = await waitForClinician(harbor, NPI, value);
      return row.decision;
    };
    await page.goto(`${consoleUrl}/settings`);
    expect(await page.textContent('#servedProfessions legend')).toContain('configuration');
    expect(await decisionFor('moderate')).toBe('outreach');
    // Nobody served is refused by intake; the page says which field.
    await page.uncheck('#servedProfessions input[value=all]');
    await page.click('button:has-text("Save trigger policy")');
    expect(await page.textContent('[role=alert]')).toContain('servedProfessions');
    expect(await page.isChecked('#servedProfessions input[value=all]')).toBe(true);

    await page.selectOption('#minHarmLevel', 'severe');
    await page.click('button:has-text("Save trigger policy")');
    expect(await page.textContent('[role=status]')).toContain('Trigger policy saved');
    expect(await page.inputValue('#minHarmLevel')).toBe('severe');
    expect(await page.textContent('label[for=minHarmLevel]')).toContain('set here');
    // Only the changed field became the program's: the others still follow intake's configuration.
    expect(await page.textContent('#servedProfessions legend')).toContain('configuration');
    expect(await page.textContent('label[for=cooldownHours]')).toContain('configuration');
    await checkPage('settings-trigger-policy');
    expect(await decisionFor('moderate')).toBe('below-harm-threshold');
    expect(await decisionFor('severe')).toBe('outreach');

    await page.click('button:has-text("Back to intake’s configuration")');
    expect(await page.inputValue('#minHarmLevel')).toBe('mild');
    expect(await page.textContent('label[for=minHarmLevel]')).toContain('configuration');
  });

  it('refuses a form without the session’s anti-forgery token', async () => {
    const forged = await page.request.post(`${consoleUrl}/roster/sup-console/pause`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const supporter = (await (await harbor.request('matching', '/v1/roster/supporters/sup-console', { role: Role.ProgramAdmin })).json()) as { status: string };
    expect(supporter.status).toBe('active');
  });

  it('shows a group debrief when one incident names three clinicians of a unit, records it held (5-9), and shows its failed offer page', async () => {
    // The unit's coordinator can be reached only by pager, which this deployment has no provider for: the
    // debrief offer's staff page fails at once (refused) and lands on the failed staff pages.
    const staff = { program: 'default', role: 'on-call-coordinator', displayName: 'Debrief coordinator', channels: [{ kind: 'pager', address: 'pager-debrief-coordinator' }] };
    expect((await harbor.request('matching', '/v1/program-staff/coord-debrief', { method: 'PUT', role: Role.ProgramAdmin, body: JSON.stringify(staff) })).status).toBeLessThan(300);
    const oid = 'urn:oid:2.16.840.1.113883.4.6';
    const named = ['1000000901', '1000000902', '1000000903'];
    for (const value of named) {
      const entry = { identifiers: [{ system: oid, value }], displayName: `Dr. Unitmate ${value}`, profession: 'nurse', department: 'ICU', facility: 'general' };
      expect((await harbor.request('matching', '/v1/directory/clinicians', { method: 'POST', role: Role.ProgramAdmin, body: JSON.stringify(entry) })).status).toBe(201);
    }
    const incident = {
      source: 'rl-datix', sourceEventId: 'INC-CONSOLE-DEBRIEF', occurredAt: new Date(Date.now() - 20 * 60_000).toISOString(), reportedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      category: 'unexpected-death', harmLevel: 'death', facility: 'general', department: 'icu',
      involvedClinicians: named.map((value) => ({ identifier: { system: oid, value }, role: 'attending' })),
    };
    const producer = kafkaClient().producer();
    await producer.connect();
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: [{ key: 'rl-datix|INC-CONSOLE-DEBRIEF', value: JSON.stringify(incident) }] });
    await producer.disconnect();

    await signIn('admin', '/debriefs');
    await waitFor(async () => {
      await page.goto(`${consoleUrl}/debriefs`);
      return ((await page.textContent('#open'))?.includes('(1)') && (await page.textContent('section.debrief'))?.includes('failed: call them')) || undefined;
    }, 'the debrief and its failed offer page on the console', 60_000);
    const debrief = page.locator('section.debrief');
    expect(await debrief.textContent()).toMatch(/Unit icu.*Program\s*default.*Colleagues named\s*3.*Offered\s*\d{4}-\d\d-\d\d \d\d:\d\d UTC.*coord-debrief \(failed: call them\)/s);
    // The page names no clinician and nothing about the event.
    for (const secret of ['Unitmate', '100000090', 'INC-CONSOLE', 'death']) expect(await page.textContent('main')).not.toContain(secret);
    expect(await page.locator('main textarea').count()).toBe(0);
    await checkPage('debriefs-open');
    const debriefId = (await debrief.getAttribute('id'))!.replace('debrief-', '');
    const csrf = (await page.getAttribute('section.debrief input[name=_csrf]', 'value'))!;

    // Held without a band (the browser requires a radio choice; a hand-made form does not) comes back naming the field (422).
    const noBand = await page.request.post(`${consoleUrl}/debriefs/${debriefId}/outcome`, { form: { _csrf: csrf, outcome: 'held' } });
    expect(noBand.status()).toBe(200);
    expect(await noBand.text()).toMatch(/The outcome was not recorded: .*attendanceBand/);
    await page.goto(`${consoleUrl}/debriefs`);
    await page.check('section.debrief input[name=attendanceBand][value="5-9"]');
    await page.click('section.debrief button:has-text("Record held")');
    expect(await page.textContent('[role=status]')).toContain('Recorded for unit icu: held, 5-9 attended');
    expect(await page.textContent('#open')).toContain('(0)');
    expect(await page.textContent('#closed')).toContain('(1)');
    expect(await page.textContent(`#outcome-${debriefId}`)).toBe('held, 5-9 attended');
    await checkPage('debriefs-closed');
    const held = (await (await harbor.request('matching', `/v1/debriefs/${debriefId}`, { role: Role.ProgramDirector })).json()) as Record<string, unknown>;
    expect(held).toMatchObject({ status: 'held', attendanceBand: '5-9' });

    // A second outcome (a form left open elsewhere) is refused by matching (409) and said so, not a server error.
    const again = await page.request.post(`${consoleUrl}/debriefs/${debriefId}/outcome`, { form: { _csrf: csrf, outcome: 'declined' } });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('already has its outcome');

    await page.goto(`${consoleUrl}/staff-pages`);
    const failed = page.locator('main tr', { hasText: 'group-debrief-offer' });
    expect(await failed.textContent()).toContain('coord-debrief');
    expect(await failed.locator('a').getAttribute('href')).toBe(`/debriefs#debrief-${debriefId}`);
    await checkPage('staff-pages-failed');
  });

  it('shows the director recognition, and a clear 403 to someone without a program role; sign-out ends the session', async () => {
    await signIn('director', '/recognition');
    expect(await page.textContent('h1')).toBe('Supporter recognition');
    // The end-of-year list: Casey agreed to be named and accepted the case above this year.
    const listed = await page.locator('tr', { hasText: 'Casey Console' }).innerText();
    expect(listed.replace(/\s+/g, ' ')).toMatch(/Casey Console default 1 /);
    await checkPage('recognition-list');
    // A filter the person typed that the service refuses is their input, not a fault: 422 naming it, never a 5xx.
    const refused = await page.goto(`${consoleUrl}/roster?program=${encodeURIComponent('not a program!')}`);
    expect(refused!.status()).toBe(422);
    expect(await page.textContent('[role=alert]')).toMatch(/program/);
    await checkPage('refused-filter');
    await page.goto(`${consoleUrl}/recognition`);
    await page.fill('#supporterIds', 'sup-console');
    await page.click('button:has-text("Count")');
    await page.waitForSelector('h2:has-text("Colleagues reached")');
    await checkPage('recognition');

    await page.click('button:has-text("Sign out")');
    // The provider asks whether to sign out there too (RP-initiated logout), then sends the browser back.
    await page.waitForURL((url) => url.href.startsWith(identity.url) || url.href.startsWith(`${consoleUrl}/signed-out`));
    if (page.url().startsWith(identity.url)) await page.click('button[name=logout]');
    await page.waitForURL(`${consoleUrl}/signed-out`);
    await checkPage('signed-out');
    const after = await page.request.get(`${consoleUrl}/cases`, { maxRedirects: 0 });
    expect(after.status()).toBe(303);
    expect(after.headers().location).toMatch(/^\/auth\/login/);

    await signIn('analyst', '/cases');
    expect(await page.textContent('h1')).toBe('Not allowed');
    expect(await page.textContent('main')).toContain('program-admin, program-director');
    await checkPage('forbidden');
  });
});
