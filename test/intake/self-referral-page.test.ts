import { readFileSync } from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '@harbor/auth';
import { SELF_REFERRAL_HEADERS } from '../../apps/intake/src/referrals/self-referral-page.html';
import { launchChromium } from '../support/browser';
import { HarborHarness } from '../support/harbor-harness';
import { freshId, supportRequestsFor } from './intake-helpers';

const STAFF_SYSTEM = 'urn:test:staff-id';
const URGENT_LINE = '1-888-409-0141';
const RATE_LIMIT = 3;
/** Each test is its own client for the rate limit: the proxy header the harness trusts. */
const CLIENT_HEADER = 'x-test-client';
const SCREENSHOT = '/tmp/self-referral-320.png';
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

/**
 * The public self-referral page in Debian's Chromium at 320 px, against intake on a real Postgres and Kafka: a
 * referral for oneself by staff ID publishes a support request (even for someone who opted out), one for a
 * colleague by name only opens a triage item, and the person always sees the same next steps and the urgent line.
 * A cross-site post is refused (403) and records nothing; too many posts from one client answer 429 with when to
 * retry; a bad phone or email answers 422 naming the field beside it. axe-core finds no violations.
 */
describe('self-referral page /refer', () => {
  let harbor: HarborHarness;
  let browser: Browser;
  let base: string;
  let clients = 0;

  const newClient = async (): Promise<{ context: BrowserContext; page: Page; client: string }> => {
    clients += 1;
    const client = `client-${clients}`;
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, extraHTTPHeaders: { [CLIENT_HEADER]: client } });
    return { context, page: await context.newPage(), client };
  };
  const pageReferrals = async (): Promise<number> => {
    const { rows } = await harbor.db.query(`SELECT count(*)::int AS "n" FROM "intake"."triggers" WHERE "source" = 'referral:self-referral-page'`);
    return rows[0].n;
  };
  const expectNoAxeViolations = async (page: Page) => {
    // The page's CSP allows no script: axe is evaluated through the browser's debugging protocol, which CSP does not govern.
    await page.evaluate(AXE_SOURCE);
    const result = (await page.evaluate(
      `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`,
    )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
    expect(result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  };
  const submit = async (page: Page) => {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ask for a peer supporter' }).click()]);
    return response!;
  };

  beforeAll(async () => {
    harbor = await HarborHarness.start({
      services: ['intake'],
      serviceEnv: {
        intake: {
          INTAKE_STAFF_ID_SYSTEM: STAFF_SYSTEM,
          INTAKE_REFER_RATE_LIMIT: String(RATE_LIMIT),
          INTAKE_REFER_RATE_WINDOW_SECONDS: '600',
          INTAKE_REFER_CLIENT_IP_HEADER: CLIENT_HEADER,
          INTAKE_REFER_FACILITY: 'general',
          INTAKE_PROGRAM_NAME: 'RISE Peer Support',
        },
      },
    });
    base = harbor.urls.intake;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await harbor?.stop();
  });

  it('for myself by staff ID: a support request is published, even after an opt-out, and the page says what happens next', async () => {
    const staffId = freshId('E');
    // Opted out of proactive outreach: a self-referral is still honoured.
    const optOut = await harbor.request('intake', '/v1/opt-outs', { method: 'POST', role: Role.ProgramAdmin, body: JSON.stringify({ identifier: { system: STAFF_SYSTEM, value: staffId } }) });
    expect(optOut.status).toBe(204);
    const { context, page } = await newClient();
    const shown = await page.goto(`${base}/refer`);
    expect(shown!.status()).toBe(200);
    for (const [name, value] of Object.entries(SELF_REFERRAL_HEADERS)) expect([name, shown!.headers()[name]]).toEqual([name, value]);
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'harbor_refer');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/refer' });
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The page names the program, as its posters do.
    expect(await page.title()).toBe('Talk to a peer – RISE Peer Support');
    // Readable at 320 px: nothing wider than the viewport.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Keyboard only: Tab to the first choice and select it, Tab to the staff ID, on to the unit, Enter sends.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('referredBy-self');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('staffId');
    await page.keyboard.type(staffId);
    for (const field of ['name', 'phone', 'email', 'department']) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe(field);
    }
    await page.keyboard.type('emergency');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Thank you');
    const text = await page.textContent('main');
    expect(text).toContain('What happens next');
    expect(text).toContain(URGENT_LINE);
    expect(await page.getAttribute(`a[href="tel:18884090141"]`, 'href')).toBe('tel:18884090141');
    await expectNoAxeViolations(page);

    const requests = await supportRequestsFor(harbor, staffId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ clinician: { system: STAFF_SYSTEM, value: staffId }, trigger: { kind: 'referral', category: 'self-referral' }, facility: 'general', department: 'emergency' });
    await context.close();
  });

  it('for a colleague by staff ID who opted out: nothing is sent, and the page says exactly what it says otherwise', async () => {
    const staffId = freshId('E');
    await harbor.request('intake', '/v1/opt-outs', { method: 'POST', role: Role.ProgramAdmin, body: JSON.stringify({ identifier: { system: STAFF_SYSTEM, value: staffId } }) });
    const known = freshId('E');
    const answers: string[] = [];
    for (const id of [staffId, known]) {
      const { context, page } = await newClient();
      await page.goto(`${base}/refer`);
      await page.getByLabel('For a colleague').check();
      await page.getByLabel('Staff ID').fill(id);
      const response = await submit(page);
      expect(response.status()).toBe(200);
      answers.push((await page.textContent('main'))!);
      await context.close();
    }
    expect(answers[0]).toBe(answers[1]);
    expect(await supportRequestsFor(harbor, staffId)).toEqual([]);
    expect(await supportRequestsFor(harbor, known)).toHaveLength(1);
  });

  it('for a colleague by name only: a triage item holds the name and contact for program staff', async () => {
    const name = `Dr Pat ${freshId('Name')}`;
    const { context, page, client } = await newClient();
    await page.goto(`${base}/refer`);
    await page.getByLabel('For a colleague').check();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Phone').fill('+1 555 010 2000');
    await page.getByLabel('Unit or department').fill('icu');
    const token = await page.getAttribute('input[name="token"]', 'value');
    const response = await submit(page);
    expect(response.status()).toBe(200);
    expect(await page.textContent('main')).toContain(URGENT_LINE);
    const { rows } = await harbor.db.query(
      `SELECT i."reason", i."display_text", t."category", t."department", t."facility" FROM "intake"."triage_items" i
       JOIN "intake"."triggers" t ON t."id" = i."trigger_id" WHERE i."display_text" LIKE $1`,
      [`${name}%`],
    );
    expect(rows).toEqual([{ reason: 'display-only', display_text: `${name}; phone +1 555 010 2000`, category: 'colleague-referral', department: 'icu', facility: 'general' }]);
    // The same form posted again (a double click, a reload) is the same referral, not a second item.
    const again = await context.request.post(`${base}/refer`, {
      headers: { origin: base, accept: 'text/html', [CLIENT_HEADER]: client },
      form: { token: token!, referredBy: 'colleague', name, phone: '+1 555 010 2000', department: 'icu' },
    });
    expect(again.status()).toBe(200);
    const { rows: after } = await harbor.db.query(`SELECT count(*)::int AS "n" FROM "intake"."triage_items" WHERE "display_text" LIKE $1`, [`${name}%`]);
    expect(after[0].n).toBe(1);
    // The same form sent back with a changed contact is a new referral (nothing entered is lost).
    const changed = await context.request.post(`${base}/refer`, {
      headers: { origin: base, accept: 'text/html', [CLIENT_HEADER]: client },
      form: { token: token!, referredBy: 'colleague', name, email: 'pat@hospital.example.org', department: 'icu' },
    });
    expect(changed.status()).toBe(200);
    const { rows: items } = await harbor.db.query(`SELECT "display_text" FROM "intake"."triage_items" WHERE "display_text" LIKE $1 ORDER BY "created_at"`, [`${name}%`]);
    expect(items.map((item: { display_text: string }) => item.display_text)).toEqual([`${name}; phone +1 555 010 2000`, `${name}; email pat@hospital.example.org`]);
    await context.close();
  });

  it('for myself by name only: the triage item, once staff name the person, is a self-referral (honoured despite an opt-out)', async () => {
    const name = `Sam ${freshId('Self')}`;
    const staffId = freshId('E');
    await harbor.request('intake', '/v1/opt-outs', { method: 'POST', role: Role.ProgramAdmin, body: JSON.stringify({ identifier: { system: STAFF_SYSTEM, value: staffId } }) });
    const { context, page } = await newClient();
    await page.goto(`${base}/refer`);
    await page.getByLabel('For myself').check();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Email').fill('sam@hospital.example.org');
    expect((await submit(page)).status()).toBe(200);
    const { rows } = await harbor.db.query(`SELECT "id", "display_text" FROM "intake"."triage_items" WHERE "display_text" LIKE $1`, [`${name}%`]);
    expect(rows).toEqual([{ id: expect.any(String), display_text: `${name}; email sam@hospital.example.org` }]);
    const assigned = await harbor.request('intake', `/v1/triage/${rows[0].id}/assign`, {
      method: 'POST', role: Role.ProgramAdmin, body: JSON.stringify({ identifier: { system: STAFF_SYSTEM, value: staffId } }),
    });
    expect(assigned.status).toBe(200);
    expect(await assigned.json()).toEqual({ decision: 'outreach', supportRequested: true });
    expect(await supportRequestsFor(harbor, staffId)).toEqual([expect.objectContaining({ trigger: expect.objectContaining({ category: 'self-referral' }) })]);
    await context.close();
  });

  it('a cross-site post is refused with 403 and records nothing: from another site, without the token, or with a foreign Origin', async () => {
    const before = await pageReferrals();
    const { context, page, client } = await newClient();
    // A form on another site that posts to /refer: no cookie (SameSite=Strict), Sec-Fetch-Site cross-site, no token.
    await page.goto(`${base}/refer`);
    await page.route('http://attacker.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><body><form method="post" action="${base}/refer"><input name="referredBy" value="colleague"><input name="staffId" value="E-FORGED"><button>go</button></form></body></html>`,
      }),
    );
    await page.goto('http://attacker.test/');
    const [forged] = await Promise.all([page.waitForNavigation(), page.click('button')]);
    expect(forged!.status()).toBe(403);
    expect(await page.textContent('h1')).toBe('We could not accept this form');
    expect(await page.textContent('main')).toContain(URGENT_LINE);

    // The page's own token and cookie, but sent from another origin.
    await page.goto(`${base}/refer`);
    const token = await page.getAttribute('input[name="token"]', 'value');
    const foreign = await context.request.post(`${base}/refer`, {
      headers: { origin: 'https://attacker.test', accept: 'text/html', [CLIENT_HEADER]: client },
      form: { token: token!, referredBy: 'colleague', staffId: 'E-FORGED' },
    });
    expect(foreign.status()).toBe(403);
    // No token at all, from a non-browser client: problem+json.
    const bare = await fetch(`${base}/refer`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', [CLIENT_HEADER]: `${client}-bare` }, body: 'referredBy=self&staffId=E-FORGED',
    });
    expect(bare.status).toBe(403);
    expect(bare.headers.get('content-type')).toContain('application/problem+json');
    expect(await pageReferrals()).toBe(before);
    expect(await supportRequestsFor(harbor, 'E-FORGED')).toEqual([]);
    await context.close();
  });

  it('a bad phone or email answers 422 with the form again, each problem beside its field', async () => {
    const before = await pageReferrals();
    const { context, page } = await newClient();
    await page.goto(`${base}/refer`);
    await page.getByLabel('For myself').check();
    await page.getByLabel('Name', { exact: true }).fill('Sam Example');
    await page.getByLabel('Phone').fill('call me maybe');
    await page.getByLabel('Email').fill('not-an-email');
    const response = await submit(page);
    expect(response.status()).toBe(422);
    expect(await page.textContent('#phone-error')).toContain('phone number');
    expect(await page.textContent('#email-error')).toContain('email address');
    expect(await page.getAttribute('#phone', 'aria-describedby')).toBe('phone-error');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    // What the person typed is kept, and the summary links to the fields.
    expect(await page.inputValue('#name')).toBe('Sam Example');
    expect(await page.getAttribute('.summary a[href="#phone"]', 'href')).toBe('#phone');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: '/tmp/self-referral-320-errors.png', fullPage: true });
    expect(await pageReferrals()).toBe(before);
    await context.close();
  });

  it(`more than ${RATE_LIMIT} posts from one client in the window answer 429 with when to retry`, async () => {
    const { context, page } = await newClient();
    await page.goto(`${base}/refer`);
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= RATE_LIMIT; attempt += 1) {
      await page.goto(`${base}/refer`);
      await page.getByLabel('For myself').check();
      const response = await submit(page);
      statuses.push(response.status());
      if (response.status() === 429) {
        expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
        expect(response.headers()['content-security-policy']).toBe(SELF_REFERRAL_HEADERS['content-security-policy']);
      }
    }
    // Nothing named: 422 three times, then the limit.
    expect(statuses).toEqual([422, 422, 422, 429]);
    expect(await page.textContent('h1')).toBe('Please try again shortly');
    expect(await page.textContent('main')).toMatch(/try again in \d+ minutes/);
    expect(await page.textContent('main')).toContain(URGENT_LINE);
    // Another client is not limited.
    const other = await newClient();
    expect((await other.page.goto(`${base}/refer`))!.status()).toBe(200);
    await other.page.getByLabel('For myself').check();
    expect((await submit(other.page)).status()).toBe(422);
    await other.context.close();
    await context.close();
  });
});
