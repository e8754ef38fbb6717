import { comparisonMarkdown, figuresOf, median, RunFigures } from '../../bench/compare-builds';

/** One run's results as run-bench.ts writes them (only the fields the comparison reads). */
function run(burstDrainMs: number, steadyP50: number, postgresCpu: number) {
  return [
    {
      system: 'harbor' as const, scenario: 'steady' as const, latency: { p50: steadyP50, p99: steadyP50 * 4 },
      cost: { cpuSeconds: { intake: 10, matching: 14, notification: 12, reporting: 6, kafka: 8, postgres: postgresCpu + 5 }, connectionsOpened: 3, offsetCommitsPerIncident: 0.2, roundTripsPerIncident: { intake: 4.5, matching: 6, notification: 5.5, reporting: 1 } as Record<string, number> },
    },
    {
      system: 'harbor' as const, scenario: 'burst' as const, latency: { p50: 1, p99: 2 }, drainMs: burstDrainMs,
      cost: { cpuSeconds: { intake: 5, matching: 12, notification: 11, reporting: 4, kafka: 2, postgres: postgresCpu }, roundTripsPerIncident: { intake: 2, matching: 4.5 } as Record<string, number> },
      rssMb: { intake: 140, matching: 166, notification: 160, reporting: 141 },
    },
    { system: 'baseline' as const, scenario: 'steady' as const, latency: { p50: 3.5, p99: 8 } },
    { system: 'baseline' as const, scenario: 'burst' as const, latency: { p50: 1, p99: 2 }, drainMs: 3_100 },
  ];
}

describe('bench:compare summary', () => {
  it('reads the goals\' figures from a run', () => {
    expect(figuresOf(run(40_000, 90, 28), 5_000, 410)).toEqual<RunFigures>({
      burstDrainS: 40, capacityPerS: 125, steadyP50Ms: 90, steadyP99Ms: 360, baselineBurstDrainS: 3.1, baselineSteadyP50Ms: 3.5,
      servicesCpuS: 32, postgresCpuS: 28, steadyServicesCpuS: 42, steadyKafkaCpuS: 8, steadyPostgresCpuS: 33,
      steadyConnectionsOpened: 3, steadyOffsetCommitsPerIncident: 0.2, steadyRoundTripsPerIncident: 17, burstRoundTripsPerIncident: 6.5, maxRssMb: 166, yardstickMs: 410,
    });
  });

  it('refuses a run without a scenario rather than comparing nothing', () => {
    expect(() => figuresOf(run(40_000, 90, 28).filter((result) => result.system !== 'baseline'), 5_000)).toThrow(/the run has no baseline (burst|steady) result/);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('shows each revision\'s median with every run in the order run', () => {
    const before = [figuresOf(run(50_000, 120, 40), 5_000), figuresOf(run(60_000, 100, 44), 5_000)];
    const after = [figuresOf(run(40_000, 80, 30), 5_000), figuresOf(run(38_000, 90, 28), 5_000), figuresOf(run(45_000, 70, 33), 5_000)];
    const table = comparisonMarkdown(['1f2acf3', 'a019ab9'], [before, after]);
    expect(table).toContain('| figure | 1f2acf3: median (runs) | a019ab9: median (runs) |');
    expect(table).toContain('| burst drained, s | 55.0 (50.0, 60.0) | 40.0 (40.0, 38.0, 45.0) |');
    expect(table).toContain('| CPU in the burst: Postgres, s | 42.0 (40.0, 44.0) | 30.0 (30.0, 28.0, 33.0) |');
    expect(table).toContain('| capacity (burst ÷ drain), /s | 92 (100, 83) | 125 (125, 132, 111) |');
    expect(table).toContain('| CPU at steady 50/s: Postgres, s | 47.0 (45.0, 49.0) | 35.0 (35.0, 33.0, 38.0) |');
  });

  it('shows a figure an older revision\'s benchmark did not count as a dash', () => {
    const older = run(50_000, 120, 40).map((result) => (result.scenario === 'steady' && result.system === 'harbor' ? { ...result, cost: { cpuSeconds: result.cost!.cpuSeconds } } : result));
    const table = comparisonMarkdown(['old', 'new'], [[figuresOf(older, 5_000)], [figuresOf(run(40_000, 80, 30), 5_000)]]);
    expect(table).toContain('| steady 50/s: database connections opened | – (–) | 3 (3) |');
    expect(table).toContain('| steady 50/s: Postgres round trips per incident, all services | – (–) | 17.0 (17.0) |');
  });
});
