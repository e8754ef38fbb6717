import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness, ServiceName } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { freshId, publish } from '../intake/intake-helpers';
import { CATALOGUE, HIDDEN_ROUTES, LABEL_VALUES } from '../support/metrics-catalogue';
import { familyOf, parse } from '../support/prometheus-text';

const SERVICES: ServiceName[] = ['intake', 'matching', 'notification', 'reporting'];

describe('metrics: on their own port, and counting no kind of clinical event', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      env: { KAFKA_RETRY_ATTEMPTS: '1' },
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000', NOTIFY_RETRY_BASE_MS: '10' },
        reporting: { REPORTING_PUBLISH_INTERVAL_SECONDS: '1' },
      },
    });
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    const clinician = { identifiers: [{ system: 'urn:hospital:employee', value: 'MX-1' }], displayName: 'Dr. Metrics', profession: 'physician', department: 'emergency', facility: 'general' };
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(clinician) })).status).toBe(201);
    // Nobody can take the case: it escalates at once and the on-call coordinator is paged by SMS.
    expect((await harbor.request('matching', '/v1/program-staff/coord-metrics', {
      role: Role.ProgramAdmin, method: 'PUT',
      body: JSON.stringify({ program: 'default', role: 'on-call-coordinator', displayName: 'Coordinator', channels: [{ kind: 'sms', address: '+15550009999' }] }),
    })).status).toBe(201);
  });

  afterAll(async () => {
    await harbor?.stop();
    await twilio.stop();
  });

  it('GET /metrics is not served on any API port', async () => {
    for (const service of SERVICES) {
      expect({ service, status: (await harbor.request(service, '/metrics')).status }).toEqual({ service, status: 404 });
      expect({ service, status: (await harbor.request(service, '/metrics', { role: Role.Ops })).status }).toEqual({ service, status: 404 });
    }
  });

  it('a lawsuit, an escalation and a dead letter move the counters, and no series tells what they were', async () => {
    twilio.failNext(1, 503); // one failed provider send, so the failure series exists too
    expect((await harbor.request('intake', '/v1/lawsuits', {
      method: 'POST', role: Role.SourceSystem,
      body: JSON.stringify({
        source: 'risk-mgmt', noticeId: freshId('CLM'), receivedAt: '2026-11-25T09:00:00Z', kind: 'lawsuit', facility: 'general',
        namedClinicians: [{ identifier: { system: 'urn:hospital:employee', value: 'MX-1' } }],
      }),
    })).status).toBe(202);
    await publish(harbor, 'incidents.reported.v1', [{ value: '{not json' }]);
    await waitFor(async () => twilio.messages.find((message) => message.to === '+15550009999'), 'the staff page');
    const processed = (text: string) => parse(text).find((series) => series.name === 'harbor_messages_consumed_total' && series.labels.outcome === 'processed')?.value ?? 0;
    await waitFor(async () => processed(await harbor.scrape('notification')) > 0 && processed(await harbor.scrape('reporting')) > 0, 'consumers to count');
    await waitFor(async () => parse(await harbor.scrape('intake')).some((series) => series.labels.outcome === 'dead_lettered'), 'the dead letter to count');

    const topics = /\.v1|incident|lawsuit|claim|escalat|contact|staff|offer|assignment|support|case|lifecycle|general|emergency|MX-1|risk-mgmt/i;
    for (const service of SERVICES) {
      const series = parse(await harbor.scrape(service));
      // Ops still sees the pipeline move.
      expect({ service, moving: series.some((entry) => entry.name.startsWith('harbor_') && entry.value > 0) }).toEqual({ service, moving: true });
      for (const entry of series) {
        for (const [label, value] of Object.entries(entry.labels)) {
          // Route patterns name resources (`/v1/program-staff/:id`), never events: checked against their own rules.
          const forbidden = label === 'route' ? HIDDEN_ROUTES : topics;
          expect({ service, metric: entry.name, label, value }).not.toEqual(expect.objectContaining({ value: expect.stringMatching(forbidden) }));
        }
        const family = familyOf(entry.name);
        if (!family.startsWith('harbor_')) continue;
        expect({ service, family, known: family in CATALOGUE }).toEqual({ service, family, known: true });
        const labels = Object.keys(entry.labels).filter((label) => label !== 'service' && label !== 'le');
        expect({ service, family, unreviewed: labels.filter((label) => !CATALOGUE[family].includes(label)) }).toEqual({ service, family, unreviewed: [] });
        for (const label of labels) expect({ family, label, value: entry.labels[label] }).toEqual({ family, label, value: expect.stringMatching(LABEL_VALUES[label]) });
      }
    }
    const notification = parse(await harbor.scrape('notification'));
    expect(notification.find((entry) => entry.name === 'harbor_notification_pages_sent_total')?.value).toBeGreaterThan(0);
    expect(notification.find((entry) => entry.name === 'harbor_notification_send_failures_total')?.labels).toEqual({ service: 'notification', channel: 'sms', outcome: 'retry' });
  });

  it('docs/operations.md lists every series', () => {
    const operations = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    for (const name of Object.keys(CATALOGUE)) expect({ name, documented: operations.includes(`\`${name}\``) }).toEqual({ name, documented: true });
  });
});
