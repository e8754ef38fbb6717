import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER } from '@harbor/service-runtime';
import { CaseFactStore } from '../facts/case-fact-store';
import { DebriefFactStore } from '../facts/debrief-fact-store';
import { factsExcludedCounter, releaseFailuresCounter } from '../facts/facts-metrics';
import { ReleaseSchedule } from '../reporting.settings';
import { Granularity } from './periods';
import { Release } from './release';
import { ReleaseLedger, ScheduleSettings, YearAdvance } from './release-ledger';

/** Serialised in `reporting.releases.body`: a Release with its period's dates as ISO strings. */
type StoredRelease = Omit<Release, 'period'> & { period: Omit<Release['period'], 'start' | 'end'> & { start: string; end: string } };

const fromStored = (body: StoredRelease): Release => ({ ...body, period: { ...body.period, start: new Date(body.period.start), end: new Date(body.period.end) } });

/** The publication_state row of the metrics topic. */
const PUBLICATION = 'support.metrics.v1';

/** One lock for fixing releases, so two replicas never fix the same year two ways. */
const FIX_LOCK = "hashtext('harbor.reporting.releases')";

/**
 * The ledger of fixed releases in Postgres, and the one owner of the `releases`, `release_plans` and
 * `publication_state` tables. Whoever first needs a due period (the API, the CSV, the
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
    schedule: ReleaseSchedule,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
    private readonly facts: CaseFactStore,
    private readonly debriefFacts: DebriefFactStore,
  ) {
    this.settings = schedule;
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
      const facts = await this.facts.loadYears(manager, year - 1, year);
      const debriefs = await this.debriefFacts.loadYear(manager, year);
      const advance = ledger.advance(
        year,
        { year: facts.filter((f) => f.openedHour.getUTCFullYear() === year), previous: facts.filter((f) => f.openedHour.getUTCFullYear() === year - 1), debriefs },
        now,
      );
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

  /**
   * Claims the right to publish (one replica at a time, at most once per interval): false when another
   * replica holds it or published less than `minimumGapMs` ago.
   */
  async claimPublication(manager: EntityManager, now: Date, minimumGapMs: number): Promise<boolean> {
    await manager.query(`INSERT INTO "reporting"."publication_state" ("id", "last_published_at") VALUES ($1, 'epoch') ON CONFLICT DO NOTHING`, [PUBLICATION]);
    const [state] = await manager.query(`SELECT "last_published_at" FROM "reporting"."publication_state" WHERE "id" = $1 FOR UPDATE SKIP LOCKED`, [PUBLICATION]);
    if (!state) return false; // another replica is publishing right now
    return new Date(state.last_published_at).getTime() + minimumGapMs <= now.getTime();
  }

  /** Fixed releases of the years not yet written to the topic, oldest period first. */
  async unpublished(manager: EntityManager, fromYear: number, toYear: number): Promise<{ period: string; releaseId: string; releasedAt: Date; release: Release }[]> {
    const rows: { period: string; release_id: string; released_at: Date; body: StoredRelease }[] = await manager.query(
      `SELECT "period", "release_id", "released_at", "body" FROM "reporting"."releases"
        WHERE "year" BETWEEN $1 AND $2 AND "published_at" IS NULL ORDER BY "body"->'period'->>'start'`,
      [fromYear, toYear],
    );
    return rows.map((row) => ({ period: row.period, releaseId: row.release_id, releasedAt: new Date(row.released_at), release: fromStored(row.body) }));
  }

  /** Marks the periods as written to the topic, and the publication as done at `now`. */
  async markPublished(manager: EntityManager, periods: string[], now: Date): Promise<void> {
    await manager.query(`UPDATE "reporting"."releases" SET "published_at" = $2 WHERE "period" = ANY($1)`, [periods, now]);
    await manager.query(`UPDATE "reporting"."publication_state" SET "last_published_at" = $2 WHERE "id" = $1`, [PUBLICATION, now]);
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
