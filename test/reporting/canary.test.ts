import { Producer } from 'kafkajs';
import { Browser } from 'playwright-core';
import { Role } from '@harbor/auth';
import { GROUPINGS } from '../../apps/reporting/src/metrics/dimensions';
import { PLACE_LEVELS } from '../../apps/reporting/src/metrics/places';
import { HarborHarness } from '../support/harbor-harness';
import { launchChromium } from '../support/browser';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';
import { casesAt, lifecycleEvents, produceLifecycle, readReleases } from './lifecycle-events';

const ENV = { REPORTING_FACILITIES: 'north', REPORTING_DEPARTMENTS: 'icu' };

/**
 * A recognisable canary in every free-text field that reaches reporting (facility, department, supporter
 * id, fallback resource), on places big enough to be published if text became labels, next to a lone
 * case: the canary must appear nowhere a reader can look.
 */
describe('free text never leaves reporting (canary)', () => {
  const canary = `canary-${uniqueSuffix()}`;
  let harbor: HarborHarness;
  let producer: Producer;
  let browser: Browser;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['reporting'], serviceEnv: { reporting: { ...ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '0' } } });
    producer = kafkaClient().producer();
    await producer.connect();
    const april = (day: number) => new Date(Date.UTC(2025, 3, day, 8));
    const scripts = [
      ...casesAt(12, { facility: `${canary}-fac`, department: `=HYPERLINK("http://${canary}.example")`, at: april(2), supporterId: `${canary}-sup` }),
      ...casesAt(12, { facility: 'north', department: `${canary}-dept`, at: april(10) }),
      ...casesAt(1, { facility: `${canary}-lonely`, department: `@${canary}`, at: april(20) }),
      { ...casesAt(1, { facility: `${canary}-esc`, at: april(21) })[0], escalate: true },
    ];
    for (const script of scripts) {
      const events = lifecycleEvents(script).map((event) => (event.fallbackResource ? { ...event, fallbackResource: `${canary}-res` } : event));
      await produceLifecycle(producer, harbor.topic('cases.lifecycle.v1'), events);
    }
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*) FILTER (WHERE "reached" OR "escalated_hour" IS NOT NULL)::int AS n FROM "reporting"."case_facts"`);
      return rows[0].n === 26;
    }, 'the 26 canary cases');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await harbor?.stop();
  });

  it('is in the facts reporting keeps, so the test would see it leak', async () => {
    const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "reporting"."case_facts" WHERE "facility" LIKE $1 OR "department" LIKE $1`, [`%${canary}%`]);
    expect(rows[0].n).toBe(26);
  });

  it('never appears in a report, a CSV export or the summary, whatever is asked', async () => {
    let answers = 0;
    for (const groupBy of GROUPINGS) {
      for (const place of PLACE_LEVELS) {
        // North's 12 cases all name the canary department: with the facility filter its departments are rows.
        for (const facility of ['', '&facility=north']) {
          for (const path of ['report', 'report.csv']) {
            const query = `from=2025-01&to=2025-12&granularity=month&place=${place}&groupBy=${groupBy}${facility}`;
            const response = await harbor.request('reporting', `/v1/metrics/${path}?${query}`, { role: Role.QsAnalyst });
            expect(response.status).toBe(200);
            expect(await response.text()).not.toContain(canary);
            answers++;
          }
        }
      }
    }
    expect(answers).toBe(GROUPINGS.length * PLACE_LEVELS.length * 4);
    const north = await harbor.request('reporting', '/v1/metrics/report?from=2025-04&to=2025-04&place=department&facility=north&groupBy=kind', { role: Role.QsAnalyst });
    expect(((await north.json()) as { periods: { rows: { place: string }[] }[] }).periods[0].rows.map((row) => row.place)).toEqual(['department:north/other']);
    const labels = await harbor.request('reporting', '/v1/metrics/report?from=2025-04&to=2025-04&place=department&groupBy=kind', { role: Role.QsAnalyst });
    const body = (await labels.json()) as { periods: { rows: { place: string }[] }[] };
    const places = body.periods[0].rows.map((row) => row.place);
    expect(places.length).toBeGreaterThan(0);
    for (const place of places) expect(place).toMatch(/^(all|facility:(north|other)|department:(north|other)\/(icu|other|unspecified))$/);
    const summary = await harbor.request('reporting', '/v1/metrics/summary?from=2025-01&to=2025-12', { role: Role.QsAnalyst });
    expect(summary.status).toBe(200);
    expect(await summary.text()).not.toContain(canary);
    // Asking for a facility outside the vocabulary is refused, without repeating it.
    const refused = await harbor.request('reporting', `/v1/metrics/report?facility=${canary}-fac`, { role: Role.QsAnalyst });
    expect(refused.status).toBe(422);
    expect(await refused.text()).not.toContain(canary);
  });

  it('never appears on the dashboard, in its page or in anything it loads', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const bodies: Promise<string>[] = [];
    page.on('response', (response) => bodies.push(response.text().catch(() => '')));
    await page.goto(`${harbor.urls.reporting}/dashboard#token=${encodeURIComponent(await harbor.token(Role.QsAnalyst))}`);
    await page.fill('#from', '2025-01');
    await page.fill('#to', '2025-12');
    await page.click('#filters button[type=submit]', { force: true }).catch(() => undefined);
    await page.waitForSelector('#charts:not([hidden])');
    await page.waitForSelector('#contact svg');
    expect(await page.textContent('#volumes')).toContain('26');
    expect(await page.content()).not.toContain(canary);
    const loaded = await Promise.all(bodies);
    expect(loaded.some((text) => text.includes('"periods"'))).toBe(true);
    for (const text of loaded) expect(text).not.toContain(canary);
    await page.close();
  });

  it('never appears on support.metrics.v1 or on /metrics', async () => {
    const publisher = await harbor.startReplica('reporting', { serviceEnv: { reporting: { ...ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '1', REPORTING_PUBLISH_YEARS: '2' } } });
    try {
      const releases = await readReleases(harbor.topic('support.metrics.v1'), (all) => all.some((r) => r.key === '2025-04'), 'the release of April 2025');
      const april = releases.find((r) => r.key === '2025-04')!.payload.cells as { place: string; measure: string; value: number | null }[];
      expect(april.find((c) => c.place === 'all' && c.measure === 'cases')!.value).toBe(26);
      for (const release of releases) expect(`${release.key} ${JSON.stringify(release.payload)}`).not.toContain(canary);
      for (const app of ['reporting' as const, publisher]) {
        const scraped = await harbor.scrape(app);
        expect(scraped).toMatch(/harbor_reporting_publications_total/);
        expect(scraped).not.toContain(canary);
      }
    } finally {
      await publisher.close();
    }
  });
});
