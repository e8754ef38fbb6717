import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness, ServiceName } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { freshId, publish } from '../intake/intake-helpers';

const SERVICES: ServiceName[] = ['intake', 'matching', 'notification', 'reporting'];

/**
 * Every Harbor series, with the labels it may carry (besides `service`, and `le` on histograms). A new metric or
 * label fails this test until it is reviewed: no label may tell one kind of clinical event from another (a topic,
 * an event type, a category, a facility), so that no series becomes a live count of lawsuits, escalations or
 * released contacts. docs/operations.md lists the same series.
 */
const CATALOGUE: Record<string, string[]> = {
  harbor_messages_consumed_total: ['outcome'],
  harbor_message_handling_seconds: [],
  harbor_outbox_published_total: [],
  harbor_outbox_lag_seconds: [],
  harbor_notification_pages_sent_total: [],
  harbor_notification_send_failures_total: ['channel', 'outcome'],
  harbor_notification_page_seconds: [],
  // Operational emergencies and provider health, reviewed: a failed escalation page must page on-call; the
  // page kind (offer, staff page) of what is waiting says which alert fires, not who or what happened.
  harbor_notification_staff_pages_failed_total: ['kind', 'reason'],
  harbor_notification_oldest_pending_page_seconds: ['kind'],
  harbor_notification_pages_waiting_on_provider: ['kind'],
  harbor_notification_provider_circuit_open: ['provider'],
  harbor_reporting_facts_recorded_total: [],
  harbor_reporting_publications_total: [],
  harbor_reporting_facts_excluded_total: [],
  harbor_reporting_release_failures_total: [],
};
const LABEL_VALUES: Record<string, RegExp> = {
  outcome: /^(processed|duplicate|retried|dead_lettered|retry|next_channel|gave_up|provider_wait|found_at_provider|resent_unconfirmed)$/,
  channel: /^(sms|email|pagerduty|wctp|console)$/,
  provider: /^(sms|email|pagerduty|wctp)$/,
  kind: /^(offer-page|staff-page|pagerduty-acknowledge|pagerduty-resolve|coordinator-escalation|follow-up-reminder)$/,
  reason: /^(refused|deadline)$/,
};

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Series[] {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
    return { name: match[1], labels, value: Number(match[3]) };
  });
}

/** The metric family a sample belongs to (histogram samples end in _bucket, _sum, _count). */
const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

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
        for (const [label, value] of Object.entries(entry.labels)) expect({ service, metric: entry.name, label, value }).not.toEqual(expect.objectContaining({ value: expect.stringMatching(topics) }));
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
