import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CATALOGUE, EXTERNAL_METRICS } from '../support/metrics-catalogue';
import { familyOf } from '../support/prometheus-text';
import { ManifestSchemas } from './support/manifest-schemas';
import { REPO, render } from './support/manifests';
import { metricNames } from './support/promql';

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Panel { type: string; title: string; targets?: { expr: string }[]; panels?: Panel[] }

const objects = render('deploy/k8s/monitoring');
const ruleSpec = objects.find((object) => object.kind === 'PrometheusRule')!.spec as { groups: { name: string; rules: Rule[] }[] };
const rules = ruleSpec.groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule) => rule.alert);
const dashboard = JSON.parse(objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'harbor-grafana-dashboard')!.data['harbor-dashboard.json']) as { uid: string; panels: Panel[] };
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
const operations = readFileSync(join(REPO, 'docs/operations.md'), 'utf8');

/** prom-client's default process and Node.js series, which every service exports besides its own. */
const isDefaultMetric = (name: string) => /^(process|nodejs)_/.test(name);
const known = (name: string) => familyOf(name) in CATALOGUE || name in CATALOGUE || name in EXTERNAL_METRICS || isDefaultMetric(name);

function promtool(args: string[], cwd: string): string {
  try {
    return execFileSync('promtool', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as { code?: string; stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new Error("promtool is not on PATH: install Debian's prometheus package (.ci/run does)");
    throw new Error(`promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

describe('deploy/k8s/monitoring: the alerting rules', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'harbor-rules-'));
    writeFileSync(join(dir, 'harbor-rules.yaml'), stringify(ruleSpec));
    copyFileSync(join(REPO, 'test/deploy/monitoring-rules.test.yaml'), join(dir, 'rules.test.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pass Prometheus' own rule checker", () => {
    expect(promtool(['check', 'rules', 'harbor-rules.yaml'], dir)).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('fire when they should and stay quiet when they should not (promtool unit tests)', () => {
    expect(promtool(['test', 'rules', 'rules.test.yaml'], dir)).toContain('SUCCESS');
  });

  it('name only metrics a service exports (the reviewed catalogue) or a documented exporter provides', () => {
    const named = alerts.flatMap((rule) => metricNames(rule.expr).map((metric) => ({ alert: rule.alert, metric })));
    expect(named.length).toBeGreaterThan(alerts.length - 1);
    expect(named.filter(({ metric }) => !known(metric))).toEqual([]);
  });

  it('cover what the operations guide promises: DLQ growth, pages given up, staff pages, outbox age, lag, a crashed consumer, unanswered escalations', () => {
    const metricsOf = (alert: string) => metricNames(alerts.find((rule) => rule.alert === alert)?.expr ?? '');
    expect(metricsOf('HarborDeadLetters')).toEqual(['harbor_messages_consumed_total']);
    expect(metricsOf('HarborPageGaveUp')).toEqual(['harbor_notification_send_failures_total']);
    expect(metricsOf('HarborStaffPageFailed')).toEqual(['harbor_notification_staff_pages_failed_total']);
    expect(metricsOf('HarborOutboxStuck')).toEqual(['harbor_outbox_oldest_unsent_seconds']);
    expect(metricsOf('HarborConsumerLag')).toEqual(['kafka_consumergroup_lag']);
    expect(metricsOf('HarborConsumerDown')).toEqual(['harbor_consumer_up']);
    expect(metricsOf('HarborEscalationUnanswered')).toEqual(['harbor_matching_oldest_unanswered_escalation_seconds']);
  });

  it('each have a runbook in docs/operations.md (Meaning, Impact, Check, Fix) that their annotation links to', () => {
    const section = operations.slice(operations.indexOf('## Alerts and runbooks'), operations.indexOf('\n## ', operations.indexOf('## Alerts and runbooks') + 5));
    const documented = [...section.matchAll(/^### (Harbor\w+)$/gm)].map(([, name]) => name);
    expect(documented.sort()).toEqual(alerts.map((rule) => rule.alert!).sort());
    for (const rule of alerts) {
      const entry = section.slice(section.indexOf(`### ${rule.alert}\n`)).split(/\n### /)[0];
      expect({ alert: rule.alert, parts: ['Meaning', 'Impact', 'Check', 'Fix'].filter((part) => !entry.includes(`**${part}.**`)) }).toEqual({ alert: rule.alert, parts: [] });
      expect({ alert: rule.alert, runbook: rule.annotations?.runbook }).toEqual({ alert: rule.alert, runbook: `docs/operations.md#${rule.alert!.toLowerCase()}` });
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    }
  });
});

describe('deploy/k8s/monitoring: the Grafana dashboard', () => {
  it('queries only known metrics, in every panel', () => {
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) expect({ panel: panel.title, targets: (panel.targets ?? []).length > 0 }).toEqual({ panel: panel.title, targets: true });
    const named = panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNames(target.expr).map((metric) => ({ panel: panel.title, metric }))));
    expect(named.filter(({ metric }) => !known(metric))).toEqual([]);
  });

  it('shows every series Harbor exports', () => {
    const shown = new Set(panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNames(target.expr).map(familyOf))));
    expect(Object.keys(CATALOGUE).filter((family) => !shown.has(familyOf(family)) && !shown.has(family))).toEqual([]);
  });
});

describe('metricNames', () => {
  it('reads metric names and nothing else from PromQL', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, service) (rate(harbor_outbox_lag_seconds_bucket{service=~"$service"}[5m])))')).toEqual(['harbor_outbox_lag_seconds_bucket']);
    expect(metricNames('max(a_seconds{kind="staff-page"}) > 300 and on() sum(b_total) > 0')).toEqual(['a_seconds', 'b_total']);
    expect(metricNames('sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="harbor", container=~"intake|matching"}[30m])) > 2')).toEqual(['kube_pod_container_status_restarts_total']);
  });
});

describe('the vendored Prometheus Operator schemas', () => {
  it('validate the pack strictly: an unknown field in a PodMonitor or a rule is an error', () => {
    const schemas = new ManifestSchemas();
    const podMonitor = objects.find((object) => object.kind === 'PodMonitor')!;
    expect(schemas.problems(podMonitor)).toEqual([]);
    const misspelt = { ...podMonitor, spec: { ...podMonitor.spec, podMetricEndpoints: podMonitor.spec.podMetricsEndpoints } };
    expect(schemas.problems(misspelt)).toEqual(['PodMonitor harbor: /spec: unknown field "podMetricEndpoints"']);
    const rule = objects.find((object) => object.kind === 'PrometheusRule')!;
    const badRule = { ...rule, spec: { groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'up', severity: 'critical' }] }] } };
    expect(schemas.problems(badRule)).toEqual(['PrometheusRule harbor: /spec/groups/0/rules/0: unknown field "severity"']);
  });
});
