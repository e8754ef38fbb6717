// Release disclosure benchmark: how long reporting takes to build (and protect) one period's canonical release, for
// health systems of growing size. Pure code, no Kafka or Postgres: the reporting specs' random case facts over every
// vocabulary (case-fact.fixtures.ts), a year's release at k = 11, the same seed each run. Prints, per size, the build time (median of the runs), the cells and
// how many were suppressed.
//
//   npm run build && node -r ./scripts/register-paths.js dist/bench/release-disclosure.js
//
// Settings (environment): RELEASE_BENCH_SIZES, a JSON list of [facilities, departments, cases] (default below);
// RELEASE_BENCH_RUNS per size (3).
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { caseFactArbitrary } from '../apps/reporting/src/metrics/case-fact.fixtures';
import { periodOf } from '../apps/reporting/src/metrics/periods';
import { PlaceVocabulary } from '../apps/reporting/src/metrics/places';
import { buildRelease } from '../apps/reporting/src/metrics/release';

const DEFAULT_SIZES: [number, number, number][] = [[2, 3, 100], [3, 5, 300], [4, 6, 600], [6, 10, 1000], [10, 15, 3000]];
const SIZES = JSON.parse(process.env.RELEASE_BENCH_SIZES ?? JSON.stringify(DEFAULT_SIZES)) as [number, number, number][];
const RUNS = Number(process.env.RELEASE_BENCH_RUNS ?? 3);
const MIN_CELL_SIZE = 11;
const YEAR = periodOf(new Date(Date.UTC(2025, 0, 1)), 'year');

interface SizeResult {
  facilities: number;
  departments: number;
  cases: number;
  cells: number;
  suppressed: number;
  medianMs: number;
  runsMs: number[];
}

function measure([facilityCount, departmentCount, cases]: [number, number, number]): SizeResult {
  const facilities = Array.from({ length: facilityCount }, (_, i) => `f${i}`);
  const departments = Array.from({ length: departmentCount }, (_, i) => `d${i}`);
  // The reporting specs' random case facts, with a fixed seed: the same facts on every run and machine.
  const facts = fc.sample(caseFactArbitrary({ facilities, departments, from: YEAR.start, hours: 8_000 }), { numRuns: cases, seed: 7 });
  const settings = { minCellSize: MIN_CELL_SIZE, vocabulary: new PlaceVocabulary(facilities, departments) };
  const runsMs: number[] = [];
  let cells = 0;
  let suppressed = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const { release } = buildRelease(YEAR, facts, settings);
    runsMs.push(Math.round(Number(process.hrtime.bigint() - started) / 1e6));
    const published = Object.values(release.rows).flatMap((row) => Object.values(row.cells));
    cells = published.length;
    suppressed = published.filter((cell) => cell.suppressed).length;
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { facilities: facilityCount, departments: departmentCount, cases, cells, suppressed, medianMs: sorted[Math.floor(sorted.length / 2)], runsMs };
}

function main(): void {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}`;
  console.log(`release disclosure benchmark (${machine}), k = ${MIN_CELL_SIZE}, ${RUNS} runs per size`);
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    const result = measure(size);
    results.push(result);
    console.log(
      `${result.facilities} facilities × ${result.departments} departments, ${result.cases} cases: ${result.cells} cells, ${result.suppressed} suppressed; ` +
        `build ${result.medianMs} ms (runs ${result.runsMs.join(', ')})`,
    );
  }
  const out = path.join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'release-disclosure.json'), JSON.stringify({ at: new Date().toISOString(), machine, minCellSize: MIN_CELL_SIZE, runs: RUNS, results }, null, 2) + '\n');
}

main();
