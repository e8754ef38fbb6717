// `npm run bench:compare -- <before> <after> [runs]`: the whole benchmark for two git revisions, alternating them
// (before, after, before, after, …) so that the machine's drift within the hour hits both alike, then the median
// and the spread of every goal's figure per revision. On a shared VM the same code's burst varies by a third from
// one run to the next; only interleaved runs tell a change from the weather.
// Each revision is built in its own git worktree under .cache/bench-builds/ (sharing this checkout's node_modules,
// so revisions with other dependencies need their own `npm ci` there). Results: bench/results/<time>-<label>.{json,md}
// per run and bench/results/<time>-compare.md for the summary.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Run from dist/bench/ (npm run bench:compare).
const ROOT = path.resolve(__dirname, '..', '..');
const BUILDS = path.join(ROOT, '.cache', 'bench-builds');
const RESULTS = path.join(ROOT, 'bench', 'results');

interface BenchResult {
  system: 'harbor' | 'baseline';
  scenario: 'steady' | 'burst';
  latency: { p50: number; p99: number };
  drainMs?: number;
  cost?: { cpuSeconds: Record<string, number>; connectionsOpened?: number; offsetCommitsPerIncident?: number; roundTripsPerIncident?: Record<string, number> };
  rssMb?: Record<string, number>;
}

/** The figures the goals are stated in, from one run's latest.json. */
export interface RunFigures {
  burstDrainS: number;
  capacityPerS: number;
  steadyP50Ms: number;
  steadyP99Ms: number;
  baselineBurstDrainS: number;
  baselineSteadyP50Ms: number;
  servicesCpuS: number;
  postgresCpuS: number;
  /** CPU over the steady phase: at 50/s the machine's load, which sets the queueing part of its latency. */
  steadyServicesCpuS: number;
  steadyKafkaCpuS: number;
  steadyPostgresCpuS: number;
  /** Counts, not times (the same on a busy VM): database connections opened and offset commits per incident at 50/s. NaN from a revision whose benchmark did not count them. */
  steadyConnectionsOpened: number;
  steadyOffsetCommitsPerIncident: number;
  /** Round trips to Postgres per incident, all services together (NaN from a revision that did not count them). */
  steadyRoundTripsPerIncident: number;
  burstRoundTripsPerIncident: number;
  maxRssMb: number;
  /** CPU ms of bench/machine-speed.ts's fixed workload before the run: how fast the VM was (NaN from an older revision's benchmark). */
  yardstickMs: number;
}

export function figuresOf(results: BenchResult[], burst: number, yardstickMs = NaN): RunFigures {
  const find = (system: BenchResult['system'], scenario: BenchResult['scenario']) => {
    const found = results.find((result) => result.system === system && result.scenario === scenario);
    if (!found) throw new Error(`the run has no ${system} ${scenario} result`);
    return found;
  };
  const harborBurst = find('harbor', 'burst');
  const cpu = harborBurst.cost?.cpuSeconds ?? {};
  const servicesOf = (seconds: Record<string, number>) => ['intake', 'matching', 'notification', 'reporting'].reduce((sum, name) => sum + (seconds[name] ?? 0), 0);
  const services = servicesOf(cpu);
  const steadyCost = find('harbor', 'steady').cost;
  const steadyCpu = steadyCost?.cpuSeconds;
  const drainS = (harborBurst.drainMs ?? NaN) / 1000;
  return {
    burstDrainS: drainS,
    capacityPerS: burst / drainS,
    steadyP50Ms: find('harbor', 'steady').latency.p50,
    steadyP99Ms: find('harbor', 'steady').latency.p99,
    baselineBurstDrainS: (find('baseline', 'burst').drainMs ?? NaN) / 1000,
    baselineSteadyP50Ms: find('baseline', 'steady').latency.p50,
    servicesCpuS: services,
    postgresCpuS: cpu.postgres ?? NaN,
    steadyServicesCpuS: steadyCpu ? servicesOf(steadyCpu) : NaN,
    steadyKafkaCpuS: steadyCpu?.kafka ?? NaN,
    steadyPostgresCpuS: steadyCpu?.postgres ?? NaN,
    steadyConnectionsOpened: steadyCost?.connectionsOpened ?? NaN,
    steadyOffsetCommitsPerIncident: steadyCost?.offsetCommitsPerIncident ?? NaN,
    steadyRoundTripsPerIncident: roundTripsOf(steadyCost?.roundTripsPerIncident),
    burstRoundTripsPerIncident: roundTripsOf(harborBurst.cost?.roundTripsPerIncident),
    maxRssMb: Math.max(...Object.values(harborBurst.rssMb ?? {})),
    yardstickMs,
  };
}

/** All services' round trips per incident together; NaN when the run did not count them. */
function roundTripsOf(perService: Record<string, number> | undefined): number {
  const counts = Object.values(perService ?? {});
  return counts.length > 0 ? counts.reduce((sum, count) => sum + count, 0) : NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ROWS: { label: string; figure: keyof RunFigures; digits: number }[] = [
  { label: 'capacity (burst ÷ drain), /s', figure: 'capacityPerS', digits: 0 },
  { label: 'burst drained, s', figure: 'burstDrainS', digits: 1 },
  { label: 'steady p99, ms', figure: 'steadyP99Ms', digits: 0 },
  { label: 'steady p50, ms', figure: 'steadyP50Ms', digits: 0 },
  { label: 'RSS after the burst, largest service, MB', figure: 'maxRssMb', digits: 0 },
  { label: 'CPU in the burst: services, s', figure: 'servicesCpuS', digits: 1 },
  { label: 'CPU in the burst: Postgres, s', figure: 'postgresCpuS', digits: 1 },
  { label: 'CPU at steady 50/s: services, s', figure: 'steadyServicesCpuS', digits: 1 },
  { label: 'CPU at steady 50/s: Kafka, s', figure: 'steadyKafkaCpuS', digits: 1 },
  { label: 'CPU at steady 50/s: Postgres, s', figure: 'steadyPostgresCpuS', digits: 1 },
  { label: 'steady 50/s: database connections opened', figure: 'steadyConnectionsOpened', digits: 0 },
  { label: 'steady 50/s: offset commits per incident', figure: 'steadyOffsetCommitsPerIncident', digits: 1 },
  { label: 'steady 50/s: Postgres round trips per incident, all services', figure: 'steadyRoundTripsPerIncident', digits: 1 },
  { label: 'burst: Postgres round trips per incident, all services', figure: 'burstRoundTripsPerIncident', digits: 1 },
  { label: 'machine: fixed workload before the run, CPU ms (more = slower VM)', figure: 'yardstickMs', digits: 0 },
  { label: 'baseline: burst drained, s', figure: 'baselineBurstDrainS', digits: 1 },
  { label: 'baseline: steady p50, ms', figure: 'baselineSteadyP50Ms', digits: 1 },
];

/** The summary table: per revision, the median and every run's value in the order run. */
export function comparisonMarkdown(labels: [string, string], runs: [RunFigures[], RunFigures[]]): string {
  const shown = (value: number, digits: number) => (Number.isNaN(value) ? '–' : value.toFixed(digits));
  const cell = (values: number[], digits: number) => `${shown(median(values), digits)} (${values.map((value) => shown(value, digits)).join(', ')})`;
  const lines = [`| figure | ${labels[0]}: median (runs) | ${labels[1]}: median (runs) |`, '|---|---:|---:|'];
  for (const { label, figure, digits } of ROWS) {
    lines.push(`| ${label} | ${cell(runs[0].map((run) => run[figure]), digits)} | ${cell(runs[1].map((run) => run[figure]), digits)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** A built worktree of `revision`, made (and built) the first time it is asked for. */
function buildOf(revision: string): string {
  const commit = git('rev-parse', '--short', revision);
  const directory = path.join(BUILDS, commit);
  if (!existsSync(directory)) {
    mkdirSync(BUILDS, { recursive: true });
    git('worktree', 'add', '--detach', directory, commit);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(directory, 'node_modules'));
  }
  if (!existsSync(path.join(directory, 'dist', 'bench', 'run-bench.js'))) {
    process.stdout.write(`building ${commit}…\n`);
    execFileSync('npm', ['run', 'build'], { cwd: directory, stdio: 'inherit' });
  }
  return directory;
}

function runOnce(directory: string, label: string): RunFigures {
  const run = spawnSync(process.execPath, ['-r', './scripts/register-paths.js', 'dist/bench/run-bench.js'], { cwd: directory, stdio: 'inherit', env: process.env });
  if (run.status !== 0) throw new Error(`the benchmark of ${label} failed (exit ${run.status})`);
  const stamp = new Date().toISOString().slice(0, 16).replace(/:/g, '');
  for (const extension of ['json', 'md']) copyFileSync(path.join(directory, 'bench', 'results', `latest.${extension}`), path.join(RESULTS, `${stamp}-${label}.${extension}`));
  const { results, settings, yardstick } = JSON.parse(readFileSync(path.join(directory, 'bench', 'results', 'latest.json'), 'utf8')) as {
    results: BenchResult[];
    settings: { burst: number };
    yardstick?: { beforeMs: number };
  };
  return figuresOf(results, settings.burst, yardstick?.beforeMs);
}

async function main() {
  const [before, after, runsText = '2'] = process.argv.slice(2);
  const runs = Number(runsText);
  if (!before || !after || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('usage: npm run bench:compare -- <before revision> <after revision> [runs per revision, default 2]\n');
    process.exit(2);
  }
  // One broker for every run, this checkout's (a worktree would otherwise fetch and start its own).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const localKafka = require(path.join(ROOT, 'scripts', 'stack', 'local-kafka.js'));
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const kafka = await localKafka.ensureLocalKafka({ brokers });
  process.env.KAFKA_BROKERS = brokers;
  try {
    compare([before, after], runs);
  } finally {
    if (kafka.started) await localKafka.stopLocalKafka(kafka.pidFile);
  }
}

function compare(revisions: [string, string], runs: number) {
  const labels = revisions.map((revision) => `${git('rev-parse', '--short', revision)}`) as [string, string];
  const directories = revisions.map(buildOf);
  const figures: [RunFigures[], RunFigures[]] = [[], []];
  for (let round = 0; round < runs; round++) {
    for (const index of [0, 1] as const) {
      process.stdout.write(`run ${round + 1} of ${runs}: ${labels[index]}\n`);
      figures[index].push(runOnce(directories[index], `${index === 0 ? 'before' : 'after'}-${labels[index]}`));
    }
  }
  const summary = comparisonMarkdown(labels, figures);
  const stamp = new Date().toISOString().slice(0, 16).replace(/:/g, '');
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, `${stamp}-compare.md`), `Runs alternated ${labels[0]}, ${labels[1]}, … (${runs} each).\n\n${summary}`);
  process.stdout.write(`\n${summary}\nWritten to bench/results/${stamp}-compare.md.\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`comparison failed: ${error.stack ?? error}\n`);
    process.exit(1);
  });
}
