import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SupportMetrics, SupportMetricsV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { publicationsCounter } from '../facts/facts-metrics';
import { loadFacts } from '../metrics/fact-store';
import { ReleaseBook } from '../metrics/report';
import { Release } from '../metrics/release';
import { ReportingEnv } from '../reporting.env';

const STATE_ID = 'support.metrics.v1';

/**
 * Writes the protected release of every released period of the last REPORTING_PUBLISH_YEARS calendar
 * years (up to the current period) to the outbox, once per interval across all replicas.
 */
@Injectable()
export class PublishMetrics {
  private readonly published;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_ENV) private readonly env: ReportingEnv,
    metrics: ServiceMetrics,
  ) {
    this.published = publicationsCounter(metrics);
  }

  /** Returns the number of period releases written, 0 when another replica published within the interval. */
  async execute(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO "reporting"."publication_state" ("id", "last_published_at") VALUES ($1, 'epoch') ON CONFLICT DO NOTHING`, [STATE_ID]);
      const [state] = await manager.query(`SELECT "last_published_at" FROM "reporting"."publication_state" WHERE "id" = $1 FOR UPDATE SKIP LOCKED`, [STATE_ID]);
      if (!state) return 0; // another replica is publishing right now
      const dueAt = new Date(state.last_published_at).getTime() + this.env.REPORTING_PUBLISH_INTERVAL_SECONDS * 1000 * 0.9;
      if (dueAt > now.getTime()) return 0;
      const lastYear = now.getUTCFullYear();
      const firstYear = lastYear - this.env.REPORTING_PUBLISH_YEARS + 1;
      const book = new ReleaseBook(await loadFacts(manager, firstYear, lastYear), this.env.REPORTING_MIN_CELL_SIZE);
      let count = 0;
      for (let year = firstYear; year <= lastYear; year++) {
        for (const period of book.releasedPeriods(year, new Date(Date.UTC(year, 0, 1)), now)) {
          await this.outbox.enqueue(manager, SupportMetrics, toMessage(book.release(period), now));
          count++;
        }
      }
      await manager.query(`UPDATE "reporting"."publication_state" SET "last_published_at" = $2 WHERE "id" = $1`, [STATE_ID, now]);
      this.published.inc(count);
      return count;
    });
  }
}

export function toMessage(release: Release, now: Date): SupportMetricsV1 {
  return {
    releaseId: randomUUID(),
    generatedAt: now.toISOString(),
    minCellSize: release.minCellSize,
    period: {
      granularity: release.period.granularity,
      label: release.period.label,
      start: release.period.start.toISOString(),
      end: release.period.end.toISOString(),
    },
    cells: release.places.flatMap((place) => release.columns.map((measure) => ({ place, measure, ...release.cells[place][measure] }))),
    statistics: release.places.flatMap((place) =>
      Object.entries(release.statistics[place]).map(([statistic, published]) => ({ place, statistic, ...published })),
    ),
    supporterLoad: [
      { bin: 'all', ...release.supporterLoad.supporters },
      ...release.supporterLoad.bins.map((bin) => ({ bin: bin.label, ...bin.supporters })),
    ],
  };
}
