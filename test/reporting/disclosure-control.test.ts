import { ConfigResourceTypes, Producer } from 'kafkajs';
import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';
import { casesAt, CaseScript, lifecycleEvents, produceLifecycle, readReleases } from './lifecycle-events';

type Cell = { value: number | null; suppressed: boolean };
type ReportBody = {
  coarsening: { dimension: string; applied: string }[];
  periods: { period: string; rows: { place: string; cells: Record<string, Cell>; statistics: Record<string, Cell> | null }[] }[];
};

const ENV = { REPORTING_FACILITIES: 'north,south,sec-col', REPORTING_DEPARTMENTS: 'icu,a,b', REPORTING_RELEASE_DELAY_DAYS: '14' };
const utc = (year: number, month: number, day = 2) => new Date(Date.UTC(year, month - 1, day, 8));

/**
 * Disclosure control through the running service: places that used to collide, a fact reporting cannot
 * count, and a period's numbers after more cases arrive, on the API, the CSV, the summary and the topic.
 */
describe('reporting disclosure control against real Kafka and Postgres', () => {
  let harbor: HarborHarness;
  let producer: Producer;

  const get = async (path: string, role = Role.QsAnalyst) => harbor.request('reporting', path, { role });
  const report = async (query: string) => {
    const response = await get(`/v1/metrics/report?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as ReportBody;
  };
  const produce = async (scripts: CaseScript[]) => {
    for (const script of scripts) await produceLifecycle(producer, harbor.topic('cases.lifecycle.v1'), lifecycleEvents(script));
  };
  const factsIn = async (year: number, month: number) => {
    const { rows } = await harbor.db.query(
      `SELECT count(*) FILTER (WHERE "reached")::int AS n FROM "reporting"."case_facts" WHERE date_trunc('month', "opened_hour" AT TIME ZONE 'UTC') = $1`,
      [`${year}-${String(month).padStart(2, '0')}-01`],
    );
    return rows[0].n as number;
  };

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['reporting'], serviceEnv: { reporting: { ...ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '0' } } });
    producer = kafkaClient().producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harbor?.stop();
  });

  it('keeps serving reports, CSV, summary and publication after two incidents whose places used to share an id', async () => {
    // Facility sec-col with department a/b, and facility sec-col/a with department b: once both "department:sec-col/a/b".
    await produce([...casesAt(12, { facility: 'sec-col', department: 'a/b', at: utc(2024, 5) }), ...casesAt(12, { facility: 'sec-col/a', department: 'b', at: utc(2024, 5, 10) })]);
    await waitFor(async () => (await factsIn(2024, 5)) === 24, 'the 24 cases of May 2024');

    const body = await report('from=2024-01&to=2024-12&place=department&groupBy=kind');
    const may = body.periods.find((period) => period.period === '2024-05')!;
    expect(may.rows.map((row) => [row.place, row.cells.cases])).toEqual([
      ['department:other/b', { value: 12, suppressed: false }],
      ['department:sec-col/other', { value: 12, suppressed: false }],
    ]);
    const csv = await get('/v1/metrics/report.csv?from=2024-01&to=2024-12&place=department&groupBy=kind');
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('2024-05,month,department:sec-col/other,cases,12,false,12,');
    const summary = await get('/v1/metrics/summary?from=2024-01&to=2024-12');
    expect(summary.status).toBe(200);
    expect(await summary.json()).toMatchObject({ cases: { value: 24, suppressed: false }, unreleasedFrom: null });
  });

  it('leaves out a fact it cannot count, logs and counts it without its values, and keeps serving the rest', async () => {
    const marker = `canary-bad-${uniqueSuffix()}`;
    await produce(casesAt(12, { facility: 'north', department: 'icu', at: utc(2023, 3) }));
    await waitFor(async () => (await factsIn(2023, 3)) === 12, 'the 12 cases of March 2023');
    // A row as an older or newer version of the consumer might have left it: a trigger kind reporting does not know.
    await harbor.db.query(
      `INSERT INTO "reporting"."case_facts" ("case_key", "trigger_kind", "category", "facility", "department", "status", "opened_hour")
       VALUES ($1, 'bogus-kind', 'medication-error', $2, $2, 'requested', '2023-03-05T10:00:00Z')`,
      [`key-${marker}`, marker],
    );

    const body = await report('from=2023-01&to=2023-12&place=facility&groupBy=kind');
    const march = body.periods.find((period) => period.period === '2023-03')!;
    expect(march.rows.map((row) => [row.place, row.cells.cases])).toEqual([['facility:north', { value: 12, suppressed: false }]]);
    expect(JSON.stringify(body)).not.toContain(marker);

    const metrics = await harbor.scrape('reporting');
    expect(metrics).toMatch(/harbor_reporting_facts_excluded_total\{service="reporting"\} 1\b/);
    const logged = harbor.logs.containing('facts left out of a release');
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 'warn', period: '2023-03', excludedFacts: 1, reasons: ['value outside the reporting vocabulary'] });
    expect(harbor.logs.lines.join('\n')).not.toMatch(new RegExp(`${marker}|bogus-kind`));
  });

  it('never changes a released period: more cases later change nothing in the API, the CSV or on the topic', async () => {
    // 26 / 11 / 3 in June 2022 (k = 11); then 8 more at sec-col would make every count visible (26 / 11 / 11).
    await produce([
      ...casesAt(26, { facility: 'north', department: 'icu', at: utc(2022, 6) }),
      ...casesAt(11, { facility: 'south', department: 'icu', at: utc(2022, 6, 5) }),
      ...casesAt(3, { facility: 'sec-col', department: 'a', at: utc(2022, 6, 9) }),
    ]);
    await waitFor(async () => (await factsIn(2022, 6)) === 40, 'the 40 cases of June 2022');
    const query = 'from=2022-06&to=2022-06&place=facility&groupBy=outreach';
    const first = await report(query);
    const firstCsv = await (await get(`/v1/metrics/report.csv?${query}`)).text();
    // South and sec-col are hidden, so the view falls back to all places; no statistic rests on a hidden count.
    expect(first.coarsening).toEqual([expect.objectContaining({ dimension: 'place', applied: 'all' })]);
    expect(first.periods[0].rows.map((row) => [row.place, row.cells.cases])).toEqual([['all', { value: 40, suppressed: false }]]);
    const south = await report(`${query}&facility=south`);
    expect(south.periods[0].rows).toEqual([]); // not even its label
    const north = await report(`${query}&facility=north`);
    expect(north.periods[0].rows.map((row) => [row.place, row.cells.cases, row.statistics?.medianMinutesToFirstContact])).toEqual([
      ['facility:north', { value: 26, suppressed: false }, { value: 20, suppressed: false }],
    ]);

    await produce(casesAt(8, { facility: 'sec-col', department: 'a', at: utc(2022, 6, 20) }));
    await waitFor(async () => (await factsIn(2022, 6)) === 48, 'the 8 later cases of June 2022');
    expect(await report(query)).toEqual(first);
    expect(await report(`${query}&facility=south`)).toEqual(south);
    expect(await (await get(`/v1/metrics/report.csv?${query}`)).text()).toBe(firstCsv);

    // The publisher (a second replica) sends the same fixed release, once per period.
    const publisher = await harbor.startReplica('reporting', {
      serviceEnv: { reporting: { ...ENV, REPORTING_PUBLISH_INTERVAL_SECONDS: '1', REPORTING_PUBLISH_YEARS: '5' } },
    });
    try {
      const releases = await readReleases(harbor.topic('support.metrics.v1'), (all) => all.some((r) => r.key === '2024-05') && all.some((r) => r.key === '2022-06'), 'the releases of 2022 and 2024');
      const june = releases.filter((r) => r.key === '2022-06');
      expect(june).toHaveLength(1);
      const cells = june[0].payload.cells as { place: string; measure: string; value: number | null }[];
      expect(cells.find((c) => c.place === 'all' && c.measure === 'cases')!.value).toBe(40);
      expect(cells.filter((c) => /south|sec-col/.test(c.place))).toEqual([]);
      const keys = releases.map((r) => r.key);
      expect(new Set(keys).size).toBe(keys.length);
      const may = releases.find((r) => r.key === '2024-05')!.payload.cells as { place: string }[];
      expect(new Set(may.map((c) => c.place))).toEqual(new Set(['all', 'facility:sec-col', 'facility:other', 'department:sec-col/other', 'department:other/b']));
    } finally {
      await publisher.close();
    }
  });

  it('keeps support.metrics.v1 compacted per period key', async () => {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: harbor.topic('support.metrics.v1'), configNames: ['cleanup.policy', 'segment.ms'] }],
      });
      expect(Object.fromEntries(resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]))).toEqual({ 'cleanup.policy': 'compact', 'segment.ms': '600000' });
    } finally {
      await admin.disconnect();
    }
  });
});
