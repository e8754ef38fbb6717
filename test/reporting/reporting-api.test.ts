import { Producer } from 'kafkajs';
import { Role } from '@harbor/auth';
import { HEADER, readHeaders } from '@harbor/messaging';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';
import { CaseScript, lifecycleEvents, marchScripts, produceLifecycle } from './lifecycle-events';

type Cell = { value: number | null; suppressed: boolean };
type ReportBody = {
  minCellSize: number;
  columns: string[];
  coarsening: { dimension: string; requested: string; applied: string }[];
  periods: { period: string; rows: { place: string; cells: Record<string, Cell>; statistics: Record<string, Cell> | null }[] }[];
};

/** Every number a response publishes, wherever it sits in the JSON. */
function publishedNumbers(body: unknown, into: number[] = []): number[] {
  if (Array.isArray(body)) body.forEach((item) => publishedNumbers(item, into));
  else if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if ('suppressed' in record && 'value' in record && typeof record.value === 'number' && !('statistic' in record)) into.push(record.value);
    Object.entries(record).forEach(([key, value]) => key !== 'statistics' && publishedNumbers(value, into));
  }
  return into;
}

const REPORTING_ENV = { REPORTING_HASH_KEY: `test-hash-key-${uniqueSuffix()}`, REPORTING_FACILITIES: 'north,south', REPORTING_DEPARTMENTS: 'icu,ed' };

describe('reporting against real Kafka and Postgres', () => {
  let harbor: HarborHarness;
  let producer: Producer;
  const scripts: CaseScript[] = marchScripts();

  const report = async (query: string, role = Role.QsAnalyst) => {
    const response = await harbor.request('reporting', `/v1/metrics/report?${query}`, { role });
    expect(response.status).toBe(200);
    return (await response.json()) as ReportBody;
  };

  beforeAll(async () => {
    // Publication starts only once the facts are in (a second replica, below): a period is fixed the first
    // time anything reads it, and these tests want March 2025 fixed with all 30 cases.
    harbor = await HarborHarness.start({ services: ['reporting'], serviceEnv: { reporting: { ...REPORTING_ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '0' } } });
    producer = kafkaClient().producer();
    await producer.connect();
    for (const script of scripts) await produceLifecycle(producer, harbor.topic('cases.lifecycle.v1'), lifecycleEvents(script));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*) FILTER (WHERE "reached")::int AS reached, count(*)::int AS n, sum("follow_ups_completed")::int AS f FROM "reporting"."case_facts"`);
      return rows[0].n === 30 && rows[0].reached === 26 && rows[0].f === 25;
    }, 'reporting to fold every lifecycle event into facts');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harbor?.stop();
  });

  it('keeps no case id, supporter id, name or contact detail anywhere in its schema', async () => {
    const { rows: tables } = await harbor.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'reporting'`);
    const needles = [...scripts.map((s) => s.caseId), ...scripts.map((s) => s.supporterId), ...scripts.map((s) => s.caseId.replace(/-/g, ''))];
    let scanned = 0;
    for (const { table_name: table } of tables) {
      const { rows } = await harbor.db.query(`SELECT t::text AS row FROM "reporting"."${table}" t`);
      for (const { row } of rows) {
        scanned++;
        for (const needle of needles) expect(row).not.toContain(needle);
        expect(row).not.toContain('national-line'); // the fallback resource is kept as a flag only
      }
    }
    expect(scanned).toBeGreaterThanOrEqual(30);
    // TypeORM's own migrations table has a "name" column (the migration's class name): not personal data.
    const { rows: columns } = await harbor.db.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'reporting' AND table_name <> 'migrations'`,
    );
    for (const { column_name: column } of columns) expect(column).not.toMatch(/name|phone|email|address|narrative|note|clinician_id|supporter_id|case_id/);
    const { rows: facts } = await harbor.db.query(`SELECT "supporter_key", "escalation_reason", "fallback_offered", "referrals" FROM "reporting"."case_facts" WHERE "fallback_offered"`);
    expect(facts).toHaveLength(2);
    expect(facts[0]).toMatchObject({ supporter_key: null, escalation_reason: 'no-eligible-supporter', referrals: [] });
  });

  it('answers Q&S with protected counts, coarsening places whose totals are too small, and never a count from 1 to 10', async () => {
    const body = await report('from=2025-01&to=2025-12&granularity=month&place=facility&groupBy=outreach');
    expect(body.minCellSize).toBe(11);
    expect(body.periods.map((p) => p.period)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    // South has 10 cases: hidden, and north with it (else 30 - 20 = 10); the report falls back to all places.
    expect(body.coarsening).toEqual([expect.objectContaining({ dimension: 'place', requested: 'facility', applied: 'all' })]);
    const march = body.periods[2].rows;
    expect(march.map((row) => row.place)).toEqual(['all']);
    expect(march[0].cells.cases).toEqual({ value: 30, suppressed: false });
    expect(march[0].cells['reached:yes']).toEqual({ value: 26, suppressed: false });
    expect(march[0].cells['outreach:not-offered']).toEqual({ value: null, suppressed: true }); // the 2 escalated without offer
    for (const value of publishedNumbers(body)) expect(value === 0 || value >= 11).toBe(true);

    const contact = await report('from=2025-03&to=2025-03&place=all&groupBy=contact-time');
    const cells = contact.periods[0].rows[0].cells;
    expect(cells['contact-time:0-30']).toEqual({ value: 15, suppressed: false });
    expect(cells['contact-time:31-60']).toEqual({ value: null, suppressed: true });
    expect(cells['contact-time:61-240']).toEqual({ value: null, suppressed: true }); // complement: 26 - 15 - 8 would give 3
    expect(contact.periods[0].rows[0].statistics).toMatchObject({
      medianMinutesToFirstContact: { value: 20, suppressed: false }, // 15 of 26 contacts at 20-25 minutes
      percentContactedWithinTarget: { value: 57.7, suppressed: false },
      // Offered (28) and accepted (28) are hidden with the 2 never offered: a median over them would prove
      // they hold at least 11 cases, so it is hidden with them.
      medianMinutesOfferToAccept: { value: null, suppressed: true },
      medianMinutesEventToFirstPage: { value: null, suppressed: true },
    });
  });

  it('filters by category group, and rejects a category filter on another grouping', async () => {
    const body = await report('from=2025-03&to=2025-03&place=all&groupBy=category&category=group:clinical-incident');
    expect(body.columns[0]).toBe('group:clinical-incident');
    expect(body.columns).toContain('category:medication-error');
    expect(body.columns).not.toContain('category:lawsuit');
    expect(body.coarsening).toEqual([]); // every case is a medication error: 30, and zeros elsewhere
    expect(body.periods[0].rows[0].cells['category:medication-error']).toEqual({ value: 30, suppressed: false });
    const bad = await harbor.request('reporting', '/v1/metrics/report?groupBy=kind&category=group:legal', { role: Role.QsAnalyst });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'category' })]);
    const invalid = await harbor.request('reporting', '/v1/metrics/report?groupBy=names&from=2025-13', { role: Role.QsAnalyst });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: { field: string }[] }).errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'groupBy']);
  });

  it('sums whole years from the published periods for the summary: a hidden month hides the sum, empty years add 0', async () => {
    const summary = async (query: string) => {
      const response = await harbor.request('reporting', `/v1/metrics/summary?${query}`, { role: Role.QsAnalyst });
      expect(response.status).toBe(200);
      return response.json();
    };
    const totals = {
      minCellSize: 11,
      cases: { value: 30, suppressed: false },
      // March hides its 2 never-offered cases, so offered (30 - 2) and accepted with it: the year's sum is hidden too.
      offered: { value: null, suppressed: true },
      accepted: { value: null, suppressed: true },
      reached: { value: 26, suppressed: false },
      // 2025 is released by month, so its year is a derived period: no median.
      medianMinutesOfferToAccept: { value: null, suppressed: true },
      // No group debriefs in these years: their own table, all zeros (test/reporting/group-debriefs.test.ts has some).
      groupDebriefs: expect.objectContaining({ offered: { value: 0, suppressed: false }, held: { value: 0, suppressed: false } }),
      unreleasedFrom: null,
    };
    expect(await summary('from=2025-01&to=2025-12')).toEqual({ ...totals, period: { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' } });
    expect(await summary('from=2024-01&to=2025-06')).toEqual({ ...totals, period: { from: '2024-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' } });
  });

  it('exports the same protected numbers as CSV', async () => {
    const response = await harbor.request('reporting', '/v1/metrics/report.csv?from=2025-03&to=2025-03&place=all&groupBy=contact-time', { role: Role.QsAnalyst });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('period,granularity,place,measure,value,suppressed,display,coarsened');
    expect(lines).toContain('2025-03,month,all,contact-time:0-30,15,false,15,');
    expect(lines).toContain('2025-03,month,all,contact-time:31-60,,true,<11,');
    for (const line of lines.slice(1)) {
      const value = line.split(',')[4];
      if (value !== '' && !line.split(',')[3].startsWith('median') && !line.split(',')[3].startsWith('p90') && !line.split(',')[3].startsWith('percent')) {
        expect(Number(value) === 0 || Number(value) >= 11).toBe(true);
      }
    }
  });

  it('publishes the fixed releases to support.metrics.v1, without a label for a hidden place', async () => {
    const publisher = await harbor.startReplica('reporting', { serviceEnv: { reporting: { ...REPORTING_ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '2' } } });
    const consumer = kafkaClient().consumer({ groupId: `test-metrics-${uniqueSuffix()}` });
    const found: { headers: Record<string, string>; payload: Record<string, unknown> }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: harbor.topic('support.metrics.v1'), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const payload = JSON.parse(message.value!.toString());
          if (payload.period.label === '2025-03') found.push({ headers: readHeaders(message.headers), payload });
        },
      });
      await waitFor(async () => found.length > 0, 'the release of March 2025');
      const metrics = await harbor.scrape(publisher);
      expect(metrics).toMatch(/harbor_reporting_publications_total\{service="reporting"\} [1-9]/);
    } finally {
      await consumer.disconnect();
      await publisher.close();
    }
    const { headers, payload } = found[0];
    expect(headers[HEADER.type]).toBe('org.harbor.support.metrics.v1');
    expect(payload).toMatchObject({ minCellSize: 11, period: { granularity: 'month', label: '2025-03', start: '2025-03-01T00:00:00.000Z' } });
    const cells = payload.cells as { place: string; measure: string; value: number | null; suppressed: boolean }[];
    expect(cells.find((c) => c.place === 'all' && c.measure === 'cases')).toEqual({ place: 'all', measure: 'cases', value: 30, suppressed: false });
    // South's 10 cases are hidden (and north's 20 with them): a hidden place is not named at all.
    const places = new Set(cells.map((c) => c.place));
    expect([...places].filter((place) => place.includes('south'))).toEqual([]);
    expect(places.has('facility:north')).toBe(false);
    for (const place of places) {
      if (place !== 'all') expect(cells.find((c) => c.place === place && c.measure === 'cases')).toMatchObject({ suppressed: false, value: expect.any(Number) });
    }
    for (const cell of cells) if (!cell.suppressed) expect(cell.value === 0 || (cell.value as number) >= 11).toBe(true);
    expect(JSON.stringify(payload)).not.toMatch(/sup-|national-line/);
    for (const script of scripts) expect(JSON.stringify(payload)).not.toContain(script.caseId);
  });

  it('shows supporter recognition to the program director only', async () => {
    const body = JSON.stringify({ supporterIds: ['sup-alpha', 'sup-bravo', 'nobody'], year: 2025 });
    const response = await harbor.request('reporting', '/v1/recognition', { method: 'POST', role: Role.ProgramDirector, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      year: 2025,
      supporters: [
        { supporterId: 'sup-alpha', colleaguesReached: 6, casesAccepted: 6 },
        { supporterId: 'sup-bravo', colleaguesReached: 6, casesAccepted: 6 },
        { supporterId: 'nobody', colleaguesReached: 0, casesAccepted: 0 },
      ],
    });
    expect((await harbor.request('reporting', '/v1/recognition', { method: 'POST', role: Role.QsAnalyst, body })).status).toBe(403);
    const invalid = await harbor.request('reporting', '/v1/recognition', { method: 'POST', role: Role.ProgramDirector, body: '{"supporterIds":[]}' });
    expect(invalid.status).toBe(422);
    // Q&S outputs carry no per-supporter numbers, only the suppressed load distribution.
    const qs = await report('from=2025-03&to=2025-03&place=all&groupBy=outreach');
    expect(JSON.stringify(qs)).not.toMatch(/sup-|supporterKey|supporter_key/);
  });

  it('exposes operational counters without identifying labels on its metrics port only', async () => {
    expect((await harbor.request('reporting', '/metrics')).status).toBe(404);
    const text = await harbor.scrape('reporting');
    const line = text.split('\n').find((l) => l.startsWith('harbor_reporting_facts_recorded_total'));
    expect(line).toMatch(/^harbor_reporting_facts_recorded_total\{service="reporting"\} \d+$/);
    expect(Number(line!.split(' ')[1])).toBeGreaterThanOrEqual(30);
    expect(text).toMatch(/harbor_reporting_facts_excluded_total\{service="reporting"\} 0/);
    expect(text).not.toMatch(/sup-|north|south|medication-error/);
  });
});
