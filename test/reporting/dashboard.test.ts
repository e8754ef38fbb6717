import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Producer } from 'kafkajs';
import { Browser } from 'playwright-core';
import { Role } from '@harbor/auth';
import { DASHBOARD_HTML } from '../../apps/reporting/src/dashboard/dashboard.assets';
import { HarborHarness } from '../support/harbor-harness';
import { launchChromium } from '../support/browser';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { lifecycleEvents, marchScripts, produceLifecycle } from './lifecycle-events';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('reporting dashboard in headless Chromium', () => {
  let harbor: HarborHarness;
  let producer: Producer;
  let browser: Browser;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['reporting'], serviceEnv: { reporting: { REPORTING_PUBLISH_INTERVAL_SECONDS: '0' } } });
    producer = kafkaClient().producer();
    await producer.connect();
    for (const script of marchScripts()) await produceLifecycle(producer, harbor.topic('cases.lifecycle.v1'), lifecycleEvents(script));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*) FILTER (WHERE "reached")::int AS reached FROM "reporting"."case_facts"`);
      return rows[0].reached === 26;
    }, 'the facts of March 2025');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await harbor?.stop();
  });

  it('serves a static page with a strict content security policy and no data', async () => {
    const response = await harbor.request('reporting', '/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await response.text()).toBe(DASHBOARD_HTML); // the same static page for everyone: no figures baked in
  });

  it('draws the protected figures and shows suppressed cells as <11, never as a number', async () => {
    const token = await harbor.token(Role.QsAnalyst);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    // The token travels in the fragment, which browsers never send; the page moves it to session storage.
    await page.goto(`${harbor.urls.reporting}/dashboard#token=${encodeURIComponent(token)}`);
    await page.fill('#from', '2025-01');
    await page.fill('#to', '2025-06');
    await page.selectOption('#granularity', 'month');
    await page.click('#filters button[type=submit]', { force: true }).catch(() => undefined);
    await page.waitForSelector('#charts:not([hidden])');
    await page.waitForSelector('#contact svg');
    expect(page.url()).not.toContain('token');

    // Volumes: March shows 30; other months 0.
    const volumeLabels = await page.locator('#volumes [data-testid=value]').allTextContents();
    expect(volumeLabels).toContain('30');

    // Contact time: within target published, the small band shown as "<11", never as its number (3).
    const contact = await page.locator('#contact [data-testid=value]').allTextContents();
    expect(contact[0]).toBe('15');
    expect(contact[1]).toBe('<11');
    expect(contact).not.toContain('3');
    expect(await page.locator('#contact rect[data-suppressed=true]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#contact-summary')).toContain('57.7%');

    // Acceptance and referrals render; every number drawn anywhere is 0 or at least 11.
    const allValues = await page.locator('svg [data-testid=value]').allTextContents();
    for (const text of allValues) if (text !== '<11') expect(Number(text) === 0 || Number(text) >= 11).toBe(true);
    expect(await page.locator('#referrals [data-testid=value]').count()).toBe(5); // one bar per referral type
    expect(await page.textContent('#coarsening')).toBe(''); // every month with cases holds at least 11: no coarsening
    expect(await page.textContent('#contact')).toContain('Period 2025-03');

    // Nothing leaves for the internet: every request goes to reporting itself.
    for (const url of requests) expect(url.startsWith(harbor.urls.reporting)).toBe(true);

    expect(await page.isHidden('#pending')).toBe(true); // every period asked for is released

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'reporting-dashboard.png'), fullPage: true });

    // Up to this month: the periods not released yet are named as such, not drawn as zeros.
    await page.fill('#to', `${new Date().getUTCFullYear()}-${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`);
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('#pending:not([hidden])');
    expect(await page.textContent('#pending')).toMatch(/^Not released yet: periods from \d{4}-\d{2}-\d{2} on/);
    await page.screenshot({ path: join(ARTIFACTS, 'reporting-dashboard-pending.png'), fullPage: true });
    await page.close();
  });

  it('says so when the token is refused', async () => {
    const page = await browser.newPage();
    await page.goto(`${harbor.urls.reporting}/dashboard#token=${encodeURIComponent(await harbor.token(Role.Supporter))}`);
    await page.waitForSelector('#status:has-text("refused")');
    expect(await page.isHidden('#charts')).toBe(true);
    await page.close();
  });
});
