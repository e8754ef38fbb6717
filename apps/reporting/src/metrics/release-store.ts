import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER, SERVICE_ENV } from '@harbor/service-runtime';
import { factsExcludedCounter, releaseFailuresCounter } from '../facts/facts-metrics';
import { ReportingEnv } from '../reporting.env';
import { loadFacts } from './fact-store';
import { Granularity } from './periods';
import { PlaceVocabulary } from './places';
import { Release } from './release';
import { ReleaseLedger, ScheduleSettings, YearAdvance } from './release-ledger';

/** The schedule settings of a running reporting service. */
export function scheduleSettings(env: ReportingEnv): ScheduleSettings {
  return {
    minCellSize: env.REPORTING_MIN_CELL_SIZE,
    vocabulary: new PlaceVocabulary(env.REPORTING_FACILITIES, env.REPORTING_DEPARTMENTS),
    delayDays: env.REPORTING_RELEASE_DELAY_DAYS,
    granularity: env.REPORTING_RELEASE_GRANULARITY,
  };
}

/** Serialised in `reporting.releases.body`: a Release with its period's dates as ISO strings. */
type StoredRelease = Omit<Release, 'period'> & { period: Omit<Release['period'], 'start' | 'end'> & { start: string; end: string } };

const fromStored = (body: StoredRelease): Release => ({ ...body, period: { ...body.period, start: new Date(body.period.start), end: new Date(body.period.end) } });

/** One lock for fixing releases, so two replicas never fix the same year two ways. */
const FIX_LOCK = "hashtext('harbor.reporting.releases')";

/**
 * The ledger of fixed releases in Postgres. Whoever first needs a due period (the API, the CSV, the
 * publisher) fixes it; afterwards it is only read. A period that fails to build, or a fact that cannot be
 * counted, is logged (period and reason only), counted on /metrics, and never stops the other periods.
 */
@Injectable()
export class ReleaseStore {
  readonly settings: ScheduleSettings;
  private readonly excludedFacts;
  private readonly failures;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) env: ReportingEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.settings = scheduleSettings(env);
    this.excludedFacts = factsExcludedCounter(metrics);
    this.failures = releaseFailuresCounter(metrics);
  }

  /** The releases of the years, after fixing every period of them that has become due. */
  async shelf(fromYear: number, toYear: number, now = new Date()): Promise<ReleaseLedger> {
    const years = Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i);
    const ledger = await this.read(this.dataSource.manager, fromYear, toYear);
    if (!years.some((year) => ledger.hasWork(year, now))) return ledger;
    await this.fix(years, now);
    return this.read(this.dataSource.manager, fromYear, toYear);
  }

  /** Fixes what is due in the years, under one lock; returns what this call fixed. */
  async fix(years: number[], now: Date, manager?: EntityManager): Promise<YearAdvance[]> {
    if (!manager) return this.dataSource.transaction((tx) => this.fix(years, now, tx));
    await manager.query(`SELECT pg_advisory_xact_lock(${FIX_LOCK})`);
    const ledger = await this.read(manager, Math.min(...years), Math.max(...years));
    const advances: YearAdvance[] = [];
    for (const year of years) {
      if (!ledger.hasWork(year, now)) continue;
      const facts = await loadFacts(manager, year - 1, year);
      const advance = ledger.advance(year, { year: facts.filter((f) => f.openedHour.getUTCFullYear() === year), previous: facts.filter((f) => f.openedHour.getUTCFullYear() === year - 1) }, now);
      await this.save(manager, advance, now);
      advances.push(advance);
    }
    return advances;
  }

  async read(manager: EntityManager, fromYear: number, toYear: number): Promise<ReleaseLedger> {
    const plans: { year: number; granularity: Granularity }[] = await manager.query(
      `SELECT "year", "granularity" FROM "reporting"."release_plans" WHERE "year" BETWEEN $1 AND $2`,
      [fromYear, toYear],
    );
    const releases: { body: StoredRelease }[] = await manager.query(`SELECT "body" FROM "reporting"."releases" WHERE "year" BETWEEN $1 AND $2`, [fromYear, toYear]);
    return new ReleaseLedger(this.settings, plans.map((plan) => [plan.year, plan.granularity]), releases.map((row) => fromStored(row.body)));
  }

  private async save(manager: EntityManager, advance: YearAdvance, now: Date): Promise<void> {
    if (advance.plan) {
      await manager.query(`INSERT INTO "reporting"."release_plans" ("year", "granularity", "decided_at") VALUES ($1, $2, $3)`, [advance.plan.year, advance.plan.granularity, now]);
    }
    for (const release of advance.releases) {
      await manager.query(
        `INSERT INTO "reporting"."releases" ("period", "year", "release_id", "released_at", "body") VALUES ($1, $2, gen_random_uuid(), $3, $4)`,
        [release.period.label, release.period.start.getUTCFullYear(), now, JSON.stringify(release)],
      );
    }
    for (const { period, reasons } of advance.excluded) {
      this.excludedFacts.inc(reasons.length);
      this.logger.warn({ period, excludedFacts: reasons.length, reasons: [...new Set(reasons)] }, 'facts left out of a release: they cannot be counted');
    }
    for (const { period, error } of advance.failures) {
      this.failures.inc();
      this.logger.error({ period, err: error.message }, 'a period could not be released; it is tried again on the next request or publication');
    }
  }
}
