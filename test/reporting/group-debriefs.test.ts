import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { Role } from '@harbor/auth';
import { GroupDebriefChanged, GroupDebriefChangedV1, versionedType } from '@harbor/contracts';
import { HEADER } from '@harbor/messaging';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';

type Cell = { value: number | null; suppressed: boolean };
type Debriefs = { offered: Cell; held: Cell; declined: Cell; open: Cell; attendance: { band: string; debriefs: Cell }[] };

/**
 * Group debriefs in reporting through real Kafka and Postgres: matching's debriefs.lifecycle.v1 events become
 * pseudonymous facts and each released period's protected debrief table. In March 2025, 12 debriefs were held
 * (5-9 attended) and 3 declined; in May, 2 were held. Nothing between 1 and 10 is published: May shows no count,
 * March hides the 3 declined with a complementary cell, and the year's summary is hidden with May.
 */
describe('reporting: group debriefs under disclosure control', () => {
  let harbor: HarborHarness;
  let producer: Producer;
  const ids: string[] = [];

  const produce = async (events: GroupDebriefChangedV1[]) => {
    await producer.send({
      topic: harbor.topic(GroupDebriefChanged.topic),
      messages: events.map((event) => ({
        key: event.debriefId,
        value: JSON.stringify(event),
        headers: { [HEADER.id]: randomUUID(), [HEADER.type]: versionedType(GroupDebriefChanged), [HEADER.source]: 'harbor/matching', [HEADER.specVersion]: '1.0', [HEADER.time]: event.at },
      })),
    });
  };
  const debrief = async (offeredAt: Date, outcome: { status: 'held'; attendanceBand: '2-4' | '5-9' | '10+' } | { status: 'declined' }) => {
    const debriefId = randomUUID();
    ids.push(debriefId);
    const base = { debriefId, facility: 'north', clinicians: 4 };
    await produce([
      { ...base, status: 'offered', at: offeredAt.toISOString() },
      { ...base, ...outcome, at: new Date(offeredAt.getTime() + 2 * 86_400_000).toISOString() },
    ]);
  };
  const get = async (path: string) => {
    const response = await harbor.request('reporting', path, { role: Role.QsAnalyst });
    expect(response.status).toBe(200);
    return response.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const cellsOf = (d: Debriefs) => [d.offered, d.held, d.declined, d.open, ...d.attendance.map((a) => a.debriefs)];

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['reporting'], serviceEnv: { reporting: { REPORTING_HASH_KEY: `test-hash-key-${uniqueSuffix()}`, REPORTING_FACILITIES: 'north', REPORTING_PUBLISH_INTERVAL_SECONDS: '0' } } });
    producer = kafkaClient().producer();
    await producer.connect();
    for (let i = 0; i < 12; i++) await debrief(new Date(Date.UTC(2025, 2, 2 + i, 9, 41)), { status: 'held', attendanceBand: '5-9' });
    for (let i = 0; i < 3; i++) await debrief(new Date(Date.UTC(2025, 2, 20 + i, 14, 5)), { status: 'declined' });
    for (let i = 0; i < 2; i++) await debrief(new Date(Date.UTC(2025, 4, 6 + i, 7, 12)), { status: 'held', attendanceBand: '10+' });
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*) FILTER (WHERE "status" <> 'offered')::int AS closed FROM "reporting"."debrief_facts"`);
      return rows[0].closed === 17 || undefined;
    }, 'reporting to fold every debrief event into facts');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harbor?.stop();
  });

  it('keeps pseudonymous facts: no debrief id, times to the hour, the band only once held', async () => {
    const { rows } = await harbor.db.query(`SELECT * FROM "reporting"."debrief_facts" ORDER BY "opened_hour"`);
    expect(rows).toHaveLength(17);
    const text = JSON.stringify(rows);
    for (const id of ids) expect(text).not.toContain(id);
    for (const row of rows) expect(new Date(row.opened_hour).getUTCMinutes()).toBe(0);
    expect(rows.filter((row) => row.status === 'declined').every((row) => row.attendance_band === null)).toBe(true);
    expect(rows[0]).toMatchObject({ facility: 'north', status: 'held', attendance_band: '5-9' });
  });

  it('publishes March\'s held debriefs, hides the 3 declined with a complement, and shows no count for May\'s 2', async () => {
    const report = await get('/v1/metrics/report?from=2025-03&to=2025-05&granularity=month&place=all');
    const byPeriod = new Map<string, Debriefs>(report.periods.map((period: { period: string; groupDebriefs: Debriefs }) => [period.period, period.groupDebriefs]));
    const march = byPeriod.get('2025-03')!;
    const may = byPeriod.get('2025-05')!;
    const april = byPeriod.get('2025-04')!;

    expect(march.declined).toEqual({ value: null, suppressed: true });
    expect(march.open).toEqual({ value: 0, suppressed: false });
    expect([march.offered, march.held, march.declined].filter((cell) => cell.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(march.attendance.find((a) => a.band === '10+')!.debriefs).toEqual({ value: 0, suppressed: false });

    // Two held debriefs: every non-zero count of May is hidden.
    expect(may.offered.suppressed).toBe(true);
    expect(may.held.suppressed).toBe(true);
    expect(may.attendance.find((a) => a.band === '10+')!.debriefs.suppressed).toBe(true);
    expect(april.offered).toEqual({ value: 0, suppressed: false });

    for (const debriefs of [march, april, may]) {
      for (const cell of cellsOf(debriefs)) expect(cell.suppressed || cell.value === 0 || cell.value! >= 11).toBe(true);
    }
  });

  it('adds up the year from its released months: hidden with May, and none for a single facility\'s report', async () => {
    const summary = await get('/v1/metrics/summary?from=2025-01&to=2025-12');
    expect(summary.groupDebriefs.offered).toEqual({ value: null, suppressed: true });
    expect(summary.groupDebriefs.declined).toEqual({ value: null, suppressed: true });
    const quarterly = await get('/v1/metrics/report?from=2025-01&to=2025-06&granularity=quarter&place=all');
    for (const period of quarterly.periods) for (const cell of cellsOf(period.groupDebriefs)) expect(cell.suppressed || cell.value === 0 || cell.value! >= 11).toBe(true);
    const north = await get('/v1/metrics/report?from=2025-03&to=2025-03&facility=north');
    expect(north.periods[0].groupDebriefs).toBeNull();
  });

  it('exports the same protected debrief counts as CSV', async () => {
    const response = await harbor.request('reporting', '/v1/metrics/report.csv?from=2025-03&to=2025-05&place=all', { role: Role.QsAnalyst });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toContain('2025-03,month,all,group-debriefs:declined,,true,<11,');
    expect(lines).toContain('2025-03,month,all,group-debriefs:open,0,false,0,');
    expect(lines).toContain('2025-05,month,all,group-debriefs:held,,true,<11,');
    for (const line of lines.filter((l) => l.includes('group-debriefs:'))) {
      const value = line.split(',')[4];
      expect(value === '' || Number(value) === 0 || Number(value) >= 11).toBe(true);
    }
  });
});
