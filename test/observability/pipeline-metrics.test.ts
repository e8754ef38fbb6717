import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Role } from '@harbor/auth';
import { readBuildInfo } from '@harbor/observability';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { parse, sample } from '../support/prometheus-text';

/**
 * The series that answer "is the pipeline moving?", each shown moving (or standing still) for the reason it
 * exists: requests per route pattern, an outbox that a stuck relay cannot drain, deadlines nobody fires, an
 * escalation nobody answers, consumers in their group, and one handling-time observation per record.
 */
describe('metrics that say whether the pipeline moves', () => {
  let harbor: HarborHarness;
  const clinician = (value: string) => ({ identifiers: [{ system: 'urn:hospital:employee', value }], displayName: 'Dr. Gauge', profession: 'physician', department: 'emergency', facility: 'general' });
  const incident = (value: string) => ({
    source: 'obs', sourceEventId: `OBS-${value}-${randomUUID()}`, occurredAt: '2026-11-26T05:00:00Z', reportedAt: '2026-11-26T05:20:00Z',
    category: 'medication-error', harmLevel: 'severe', facility: 'general', involvedClinicians: [{ identifier: { system: 'urn:hospital:employee', value } }],
  });
  const submit = async (value: string) =>
    expect((await harbor.request('intake', '/v1/incidents', { method: 'POST', role: Role.SourceSystem, body: JSON.stringify(incident(value)) })).status).toBe(202);

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake', 'matching'] });
    for (const value of ['OBS-A', 'OBS-B', 'OBS-C']) {
      expect((await harbor.request('matching', '/v1/directory/clinicians', { role: Role.ProgramAdmin, method: 'POST', body: JSON.stringify(clinician(value)) })).status).toBe(201);
    }
    const supporter = { id: 'sup-obs', displayName: 'Supporter', profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 1, channels: [{ kind: 'console', address: '' }] };
    expect((await harbor.request('matching', '/v1/roster/supporters', { role: Role.ProgramAdmin, method: 'POST', body: JSON.stringify(supporter) })).status).toBe(201);
  });
  afterAll(async () => harbor?.stop());

  it('counts requests by route pattern and status, never by path; intake\'s submissions under one label', async () => {
    const caseId = randomUUID();
    expect((await harbor.request('matching', `/v1/cases/${caseId}`, { role: Role.ProgramAdmin })).status).toBe(404);
    expect((await harbor.request('matching', `/v1/cases/${caseId}`)).status).toBe(401);
    expect((await harbor.request('matching', `/no/such/${caseId}`)).status).toBe(404);
    await submit('OBS-UNKNOWN');

    const matching = await harbor.scrape('matching');
    expect(sample(matching, 'harbor_http_requests_total', { method: 'GET', route: '/v1/cases/:id', status: '404' })).toBe(1);
    expect(sample(matching, 'harbor_http_requests_total', { method: 'GET', route: '/v1/cases/:id', status: '401' })).toBe(1);
    expect(sample(matching, 'harbor_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(matching, 'harbor_http_request_duration_seconds_count', { method: 'GET', route: '/v1/cases/:id' })).toBe(2);
    expect(matching).not.toContain(caseId);
    const intake = await harbor.scrape('intake');
    expect(sample(intake, 'harbor_http_requests_total', { method: 'POST', route: 'trigger-submission', status: '202' })).toBeGreaterThanOrEqual(1);
    expect(intake).not.toMatch(/route="[^"]*incidents/);
  });

  it('shows the outbox backlog growing while the relay cannot publish, and draining after', async () => {
    // The test before posted an incident: let the relay publish its row before measuring from an empty outbox.
    const before = await waitFor(async () => {
      const text = await harbor.scrape('intake');
      return sample(text, 'harbor_outbox_backlog') === 0 ? text : undefined;
    }, 'an empty outbox to start from');
    expect(sample(before, 'harbor_outbox_oldest_unsent_seconds')).toBe(0);
    const published = sample(before, 'harbor_outbox_published_total') ?? 0;
    // The relay drains a schema only under this advisory lock: holding it is a relay that cannot get through.
    const blocker = new Client({ connectionString: harbor.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query(`SELECT pg_advisory_lock(hashtext('harbor-outbox-intake'))`);
      await submit('OBS-C');
      const stuck = await waitFor(async () => {
        const text = await harbor.scrape('intake');
        return (sample(text, 'harbor_outbox_oldest_unsent_seconds') ?? 0) >= 1 ? text : undefined;
      }, 'the oldest unsent row to age');
      expect(sample(stuck, 'harbor_outbox_backlog')).toBe(1);
      // The publish-time series say nothing while the relay is stuck: that is why the gauges exist.
      expect(sample(stuck, 'harbor_outbox_published_total') ?? 0).toBe(published);
    } finally {
      await blocker.query(`SELECT pg_advisory_unlock(hashtext('harbor-outbox-intake'))`);
      await blocker.end();
    }
    await waitFor(async () => sample(await harbor.scrape('intake'), 'harbor_outbox_backlog') === 0, 'the backlog to drain');
    expect(sample(await harbor.scrape('intake'), 'harbor_outbox_oldest_unsent_seconds')).toBe(0);
  });

  it('shows a deadline that is due and not fired, and an escalation that staff have not answered', async () => {
    await submit('OBS-A'); // offered to the only supporter: its overall deadline is pending
    const caseA = await waitFor(async () => (await harbor.db.query(`SELECT c."id" FROM "matching"."cases" c JOIN "matching"."clinicians" d ON d."id" = c."clinician_id" WHERE c."status" = 'offered'`)).rows[0]?.id, 'the offered case');
    await submit('OBS-B'); // the supporter is full: nobody is eligible, the case escalates to the coordinator
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "matching"."cases" WHERE "status" = 'escalated'`)).rows.length > 0, 'the escalation');
    const escalated = await waitFor(async () => {
      const age = sample(await harbor.scrape('matching'), 'harbor_matching_oldest_unanswered_escalation_seconds');
      return age !== undefined && age >= 0 ? { age } : undefined;
    }, 'the unanswered escalation gauge');
    expect(escalated.age).toBeLessThan(60);
    expect(sample(await harbor.scrape('matching'), 'harbor_matching_deadlines_overdue')).toBe(0);

    // The scheduler takes a case with SKIP LOCKED: while this transaction holds case A, its deadline cannot fire.
    const holder = new Client({ connectionString: harbor.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "matching"."cases" WHERE "id" = $1 FOR UPDATE`, [caseA]);
      const moved = await harbor.db.query(`UPDATE "matching"."deadlines" SET "due_at" = now() - interval '5 minutes' WHERE "case_id" = $1 AND "status" = 'pending'`, [caseA]);
      expect(moved.rowCount).toBeGreaterThanOrEqual(1);
      // A scrape reads the database at most once a second.
      const overdue = await waitFor(async () => {
        const text = await harbor.scrape('matching');
        return (sample(text, 'harbor_matching_deadlines_overdue') ?? 0) >= 1 ? text : undefined;
      }, 'the overdue deadline to show');
      expect(sample(overdue, 'harbor_matching_oldest_overdue_deadline_seconds')).toBeGreaterThanOrEqual(290);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    await waitFor(async () => sample(await harbor.scrape('matching'), 'harbor_matching_deadlines_overdue') === 0, 'the deadline to fire');
  });

  it('records one handling-time observation per record, also for records applied together in one transaction', async () => {
    const producer = kafkaClient().producer();
    await producer.connect();
    // One key, one partition: the consumer fetches them as one batch and applies them in one transaction.
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: Array.from({ length: 8 }, (_, index) => ({ key: 'obs-batch', value: JSON.stringify(incident(`OBS-BATCH-${index}`)) })) });
    await producer.disconnect();
    const text = await waitFor(async () => {
      const scraped = await harbor.scrape('intake');
      return (sample(scraped, 'harbor_messages_consumed_total', { outcome: 'processed' }) ?? 0) >= 8 ? scraped : undefined;
    }, 'intake to handle the batch');
    const handled = parse(text).filter((series) => series.name === 'harbor_messages_consumed_total' && series.labels.outcome !== 'retried').reduce((total, series) => total + series.value, 0);
    expect(sample(text, 'harbor_message_handling_seconds_count')).toBe(handled);
  });

  it('says the consumers are in their groups, the service is ready, which build runs and its database round trips', async () => {
    for (const service of ['intake', 'matching'] as const) {
      const text = await waitFor(async () => {
        const scraped = await harbor.scrape(service);
        return sample(scraped, 'harbor_consumer_up') === 1 ? scraped : undefined;
      }, `${service}'s consumer`);
      expect(sample(text, 'harbor_ready')).toBe(1);
      expect(sample(text, 'harbor_build_info', { version: readBuildInfo().version })).toBe(1);
      // Joining its group and handling the batch took database work, counted in round trips.
      expect(sample(text, 'harbor_database_round_trips_total')).toBeGreaterThan(0);
    }
  });
});
