import type { LedgerTotals } from './incident-ledger';

export interface FaultResult {
  name: string;
  startedAt: number;
  /** The machine's 1-minute load average when the fault recovered (2 cores: above 2 means work waits for a core). */
  loadAverage: number;
  /** How long the component was down before the fault ended (broker restarts, provider faults). */
  downMs?: number;
  portMs?: number;
  readyMs?: number;
  probePagedMs?: number;
  factMs?: number;
  /** From the end of the fault until every affected service was ready and the probe went through; undefined: never. */
  recoveryMs?: number;
}

export interface ConnectionSample {
  label: string;
  at: number;
  byApplication: Record<string, number>;
}

export interface Criterion {
  name: string;
  pass: boolean;
  detail: string;
}

export interface ChaosReport {
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; kafka: string; date: string };
  settings: Record<string, unknown>;
  durationSeconds: number;
  totals: LedgerTotals;
  faults: FaultResult[];
  connections: { baseline: ConnectionSample; end: ConnectionSample; samples: ConnectionSample[] };
  unplannedExits: Record<string, number>;
  providerRefusals: Record<string, number>;
  /** Sends a crash left unconfirmed, by how they were settled (found at the provider, absent, not looked up). */
  reconciledSends: Record<string, number>;
  criteria: Criterion[];
}

/**
 * The issue's pass criteria: nothing lost, no duplicate page (Harbor's documented window for Twilio needs a
 * message missing from the Messages list at lookup, which the local provider never does), no case escalated
 * because a provider was down (nobody answers in this run and its deadlines lie beyond it, so none may
 * escalate at all), every connection group back to its idle baseline, and every fault recovered in time.
 */
export function judge(report: ChaosReport, recoveryLimitMs: number): Criterion[] {
  const { totals, faults, connections } = report;
  const slow = faults.filter((fault) => fault.recoveryMs === undefined || fault.recoveryMs > recoveryLimitMs);
  const names = new Set([...Object.keys(connections.baseline.byApplication), ...Object.keys(connections.end.byApplication)]);
  const off = [...names].filter((name) => (connections.end.byApplication[name] ?? 0) > (connections.baseline.byApplication[name] ?? 0)
    // A listener (one connection per process) must be back, not merely not more.
    || (!isPool(name) && (connections.end.byApplication[name] ?? 0) !== (connections.baseline.byApplication[name] ?? 0)));
  return [
    { name: '0 lost', pass: totals.lost === 0, detail: `${totals.lost} of ${totals.incidents} incidents without a case or a page (${totals.casesOpened} cases, ${totals.paged} paged)` },
    { name: '0 duplicate pages', pass: totals.duplicatePages === 0, detail: `${totals.duplicatePages} pages delivered more than once; ${totals.strayMessages} messages for no known offer` },
    {
      name: '0 cases escalated because a provider was down', pass: totals.escalated === 0 && totals.offersBurned === 0,
      detail: `${totals.escalated} escalated ${JSON.stringify(totals.escalatedByReason)}; ${totals.offersBurned} offers undeliverable or expired`,
    },
    {
      name: 'connections back to their baseline', pass: off.length === 0,
      detail: off.length === 0 ? 'every application at or below its idle baseline, every listener back'
        : off.map((name) => `${name}: ${connections.baseline.byApplication[name] ?? 0} → ${connections.end.byApplication[name] ?? 0}`).join('; '),
    },
    {
      name: `recovery ≤ ${recoveryLimitMs / 1000} s after each fault`, pass: slow.length === 0,
      detail: slow.length === 0 ? `slowest ${Math.max(...faults.map((fault) => fault.recoveryMs ?? 0)) / 1000} s`
        : slow.map((fault) => `${fault.name}: ${fault.recoveryMs === undefined ? 'not recovered' : `${(fault.recoveryMs / 1000).toFixed(1)} s`}`).join('; '),
    },
  ];
}

/** A service's connection pool is named harbor-<schema>; anything else (harbor-<loop>) is one listener per process. */
function isPool(name: string): boolean {
  return ['harbor-intake', 'harbor-matching', 'harbor-notification', 'harbor-reporting'].includes(name);
}

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));

export function renderReport(report: ChaosReport): string {
  const { machine, totals } = report;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; Node ${machine.node}; Kafka ${machine.kafka} (the run's own single broker); run ${machine.date}, ${report.durationSeconds} s.`,
    `Settings: ${Object.entries(report.settings).filter(([key]) => key !== 'postgres').map(([key, value]) => `${key}=${value}`).join(', ')}.`,
    '',
    '| fault | down s | port s | ready s | probe paged s | reporting fact s | recovery s | load |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.faults.map((fault) =>
      `| ${fault.name} | ${seconds(fault.downMs)} | ${seconds(fault.portMs)} | ${seconds(fault.readyMs)} | ${seconds(fault.probePagedMs)} | ${seconds(fault.factMs)} `
      + `| ${seconds(fault.recoveryMs)} | ${fault.loadAverage.toFixed(1)} |`),
    '',
    '| incidents | stream | probes | cases opened | paged | lost | duplicate pages | escalated | offers burned | page latency p50 / p95 / max s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    `| ${totals.incidents} | ${totals.streamed} | ${totals.probes} | ${totals.casesOpened} | ${totals.paged} | ${totals.lost} | ${totals.duplicatePages} | ${totals.escalated} | ${totals.offersBurned} | `
      + `${seconds(totals.latencyMs.p50)} / ${seconds(totals.latencyMs.p95)} / ${seconds(totals.latencyMs.max)} |`,
    '',
    `Connections (idle): baseline ${JSON.stringify(report.connections.baseline.byApplication)}; end ${JSON.stringify(report.connections.end.byApplication)}.`,
    `Unplanned exits (restarted): ${JSON.stringify(report.unplannedExits)}. Provider refusals by status: ${JSON.stringify(report.providerRefusals)}. `
      + `Sends left unconfirmed by a crash, settled: ${JSON.stringify(report.reconciledSends)}.`,
    '',
    '| criterion | result | detail |',
    '|---|---|---|',
    ...report.criteria.map((criterion) => `| ${criterion.name} | ${criterion.pass ? 'pass' : '**FAIL**'} | ${criterion.detail} |`),
  ];
  return `${lines.join('\n')}\n`;
}
