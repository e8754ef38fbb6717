import { readFileSync } from 'node:fs';
import { Producer } from 'kafkajs';
import { Browser } from 'playwright-core';
import { Role } from '@harbor/auth';
import { AT_A_GLANCE_HTML } from '../../apps/reporting/src/dashboard/at-a-glance.assets';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { readPdf } from '../support/read-pdf';
import { launchChromium } from '../support/browser';
import { lifecycleEvents, marchScripts, produceLifecycle } from './lifecycle-events';

type Published = { value: number | null; suppressed: boolean };
type Figure = { key: string; label: string; value: Published };
interface Glance {
  program: string; year: number; minCellSize: number; unreleasedFrom: string | null;
  totals: Figure[]; rates: Figure[]; byKind: Figure[]; byGroup: Figure[]; timeToContact: Figure[]; referrals: Figure[];
  periods: { period: string; cases: Published; reached: Published }[];
  supporterLoad: { supporters: Published; bins: { label: string; supporters: Published }[]; medianCasesPerSupporter: Published } | null;
}

const PROGRAM = 'RISE Peer Support';
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');
const SCREENSHOT = '/tmp/harbor-at-a-glance.png';

/**
 * "Program at a glance" against reporting on a real Kafka and Postgres, with the 30 cases of March 2025 released as
 * one year (REPORTING_RELEASE_GRANULARITY=year). Cells below k (escalated 2, reached at 31–60 minutes 3, at 1–4 hours
 * 8) stay hidden in the JSON, in the PDF and on the page, exactly as the protected report shows them, and no number
 * between 1 and k-1 appears anywhere. The page passes axe-core in Debian's Chromium.
 */
describe('program at a glance', () => {
  let harbor: HarborHarness;
  let producer: Producer;
  let browser: Browser;
  let analyst: string;

  beforeAll(async () => {
    harbor = await HarborHarness.start({
      services: ['reporting'],
      serviceEnv: { reporting: { REPORTING_PUBLISH_INTERVAL_SECONDS: '0', REPORTING_RELEASE_GRANULARITY: 'year', REPORTING_PROGRAM_NAME: PROGRAM } },
    });
    producer = kafkaClient().producer();
    await producer.connect();
    for (const script of marchScripts()) await produceLifecycle(producer, harbor.topic('cases.lifecycle.v1'), lifecycleEvents(script));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*) FILTER (WHERE "reached")::int AS reached FROM "reporting"."case_facts"`);
      return rows[0].reached === 26;
    }, 'the facts of March 2025');
    analyst = await harbor.token(Role.QsAnalyst);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await harbor?.stop();
  });

  const get = (path: string, role: Role = Role.QsAnalyst) => harbor.request('reporting', path, { role });
  const figureOf = (figures: Figure[], key: string) => figures.find((figure) => figure.key === key)!.value;
  const everyValue = (glance: Glance): Published[] => [
    ...[glance.totals, glance.rates, glance.byKind, glance.byGroup, glance.timeToContact, glance.referrals].flat().map((figure) => figure.value),
    ...glance.periods.flatMap((period) => [period.cases, period.reached]),
    ...(glance.supporterLoad ? [glance.supporterLoad.supporters, ...glance.supporterLoad.bins.map((bin) => bin.supporters)] : []),
  ];
  const HIDDEN = { value: null, suppressed: true };

  it('JSON: the year from the protected releases; small cells hidden exactly as the report hides them', async () => {
    const response = await get('/v1/metrics/at-a-glance?year=2025');
    expect(response.status).toBe(200);
    const glance = (await response.json()) as Glance;
    expect(glance).toMatchObject({ program: PROGRAM, year: 2025, minCellSize: 11, unreleasedFrom: null });
    expect(figureOf(glance.totals, 'cases')).toEqual({ value: 30, suppressed: false });
    expect(figureOf(glance.totals, 'reached:yes')).toEqual({ value: 26, suppressed: false });
    expect(figureOf(glance.totals, 'escalated:yes')).toEqual(HIDDEN);
    expect(figureOf(glance.timeToContact, 'contact-time:0-30')).toEqual({ value: 15, suppressed: false });
    expect(figureOf(glance.timeToContact, 'contact-time:31-60')).toEqual(HIDDEN);
    expect(figureOf(glance.timeToContact, 'contact-time:61-240')).toEqual(HIDDEN);
    expect(figureOf(glance.rates, 'percentContactedWithinTarget')).toEqual({ value: 57.7, suppressed: false });
    for (const value of everyValue(glance)) if (!value.suppressed) expect(value.value === 0 || value.value! >= 11).toBe(true);

    // The same cells as the protected report of that year: the sheet adds no view of its own.
    for (const [groupBy, figures] of [['outreach', glance.totals], ['contact-time', glance.timeToContact], ['referral', glance.referrals], ['kind', glance.byKind]] as const) {
      const report = (await (await get(`/v1/metrics/report?from=2025-01&to=2025-12&granularity=year&place=all&groupBy=${groupBy}`)).json()) as { periods: { rows: { cells: Record<string, Published> }[] }[] };
      const cells = report.periods[0].rows[0].cells as Record<string, Published>;
      for (const figure of figures) if (figure.key in cells) expect(figure.value).toEqual(cells[figure.key]);
    }
  });

  it('PDF: the same figures on one page; the hidden ones read <11, their true values nowhere', async () => {
    const response = await get('/v1/metrics/at-a-glance.pdf?year=2025');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="rise-peer-support-at-a-glance-2025.pdf"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { title, pages } = await readPdf(Buffer.from(await response.arrayBuffer()), { pngPrefix: '/tmp/harbor-at-a-glance-pdf' });
    expect(title).toBe(`${PROGRAM} – program at a glance, 2025`);
    expect(pages).toHaveLength(1);
    const lines = pages[0].text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    const lineOf = (label: string) => lines.find((line) => line.startsWith(label)) ?? '';
    expect(lineOf('Within 30 minutes')).toBe('Within 30 minutes 15');
    expect(lineOf('31–60 minutes')).toBe('31–60 minutes <11');
    expect(lineOf('1–4 hours')).toBe('1–4 hours <11');
    expect(lineOf('Reached within 30 minutes (%)')).toBe('Reached within 30 minutes (%) 57.7');
    expect(pages[0].text).toContain('Escalated to the coordinator');
    expect(pages[0].text).toContain('30');
    // No count between 1 and 10 stands anywhere as a value (labels such as "2-3 cases each" are not values).
    for (const line of lines) {
      const value = /\s(\d+)$/.exec(line)?.[1];
      if (value && !/cases each$/.test(line.slice(0, -value.length).trim())) expect(Number(value) === 0 || Number(value) >= 11).toBe(true);
    }
  });

  it('is for Q&S and the director only: a supporter, an administrator and no token are refused', async () => {
    for (const path of ['/v1/metrics/at-a-glance?year=2025', '/v1/metrics/at-a-glance.pdf?year=2025']) {
      expect((await get(path, Role.ProgramDirector)).status).toBe(200);
      expect((await get(path, Role.Supporter)).status).toBe(403);
      expect((await get(path, Role.ProgramAdmin)).status).toBe(403);
      expect((await fetch(`${harbor.urls.reporting}${path}`)).status).toBe(401);
    }
    expect((await get('/v1/metrics/at-a-glance?year=1999')).status).toBe(422);
    expect((await get('/v1/metrics/at-a-glance?year=twenty')).status).toBe(422);
  });

  it('a year not yet released shows no figures and says from when', async () => {
    const glance = (await (await get('/v1/metrics/at-a-glance?year=2099')).json()) as Glance;
    expect(glance.unreleasedFrom).toBe('2099-01-01T00:00:00.000Z');
    expect(everyValue(glance)).toEqual([]);
  });

  it('the page shows the sheet from the API with the user\'s token, hidden cells as <11, and passes axe-core', async () => {
    const response = await harbor.request('reporting', '/dashboard/at-a-glance');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toBe(AT_A_GLANCE_HTML);

    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${harbor.urls.reporting}/dashboard/at-a-glance?year=2025#token=${encodeURIComponent(analyst)}`);
    await page.waitForSelector('#sheet:not([hidden])');
    expect(page.url()).not.toContain('token');
    expect(await page.textContent('h1')).toBe(`${PROGRAM}: program at a glance, 2025`);
    expect(await page.textContent('#totals [data-key=cases] .figure')).toBe('30');
    expect(await page.textContent('#totals [data-key="escalated:yes"] .figure')).toBe('<11');
    const contact = await page.locator('#timeToContact td').allTextContents();
    expect(contact.slice(0, 3)).toEqual(['15', '<11', '<11']);
    for (const text of await page.locator('td, .figure').allTextContents()) {
      for (const number of text.split(' / ')) if (/^\d+$/.test(number)) expect(Number(number) === 0 || Number(number) >= 11).toBe(true);
    }
    await page.evaluate(AXE_SOURCE);
    const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`)) as {
      violations: { id: string; nodes: { target: string[] }[] }[];
    };
    expect(result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The PDF button saves the sheet fetched with the same token.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pdf')]);
    expect(download.suggestedFilename()).toBe('program-at-a-glance-2025.pdf');
    for (const url of requests) expect(url.startsWith(harbor.urls.reporting) || url.startsWith('blob:')).toBe(true);
    await page.close();
  });
});
