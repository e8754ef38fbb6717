import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SupportMetrics, SupportMetricsV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { publicationsCounter } from '../facts/facts-metrics';
import { placeLabel } from '../metrics/places';
import { isLabelled, Release } from '../metrics/release';
import { ReleaseStore } from '../metrics/release-store';
import { PublicationSchedule } from '../reporting.settings';

/**
 * Fixes the periods of the last REPORTING_PUBLISH_YEARS calendar years that have become due and writes each
 * fixed release to the outbox once (keyed by period on a compacted topic). A release is never published
 * twice with different numbers: it does not change once fixed.
 */
@Injectable()
export class PublishMetrics {
  private readonly published;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly store: ReleaseStore,
    private readonly schedule: PublicationSchedule,
    metrics: ServiceMetrics,
  ) {
    this.published = publicationsCounter(metrics);
  }

  /** Returns the number of releases written, 0 when another replica published within the interval. */
  async execute(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.store.claimPublication(manager, now, this.schedule.intervalSeconds * 1000 * 0.9))) return 0;
      const lastYear = now.getUTCFullYear();
      const firstYear = lastYear - this.schedule.years + 1;
      await this.store.fix(Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i), now, manager);
      const rows = await this.store.unpublished(manager, firstYear, lastYear);
      for (const row of rows) await this.outbox.enqueue(manager, SupportMetrics, toMessage(row.release, row.releaseId, row.releasedAt));
      await this.store.markPublished(manager, rows.map((row) => row.period), now);
      this.published.inc(rows.length);
      return rows.length;
    });
  }
}

/**
 * A fixed release as the topic carries it: "all" and the places whose count is published and not zero
 * (a hidden or empty place has no label at all), with their cells and statistics.
 */
export function toMessage(release: Pick<Release, 'period' | 'minCellSize' | 'columns' | 'places' | 'rows' | 'supporterLoad'>, releaseId: string, releasedAt: Date): SupportMetricsV1 {
  const rows = release.places.map((key) => release.rows[key]).filter(isLabelled);
  return {
    releaseId,
    generatedAt: releasedAt.toISOString(),
    minCellSize: release.minCellSize,
    period: {
      granularity: release.period.granularity,
      label: release.period.label,
      start: new Date(release.period.start).toISOString(),
      end: new Date(release.period.end).toISOString(),
    },
    cells: rows.flatMap((row) => release.columns.map((measure) => ({ place: placeLabel(row.place), measure, ...row.cells[measure] }))),
    statistics: rows.flatMap((row) => Object.entries(row.statistics).map(([statistic, published]) => ({ place: placeLabel(row.place), statistic, ...published }))),
    supporterLoad: [
      { bin: 'all', ...release.supporterLoad.supporters },
      ...release.supporterLoad.bins.map((bin) => ({ bin: bin.label, ...bin.supporters })),
    ],
  };
}
