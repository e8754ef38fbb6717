import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsString, IsUUID, Matches, MaxLength, Min, ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339 } from '@harbor/input';
import { defineEvent } from '../definition/event-definition';

/** A published number: `value` is null exactly when `suppressed` is true. */
export class MetricsValueV1 {
  @ValidateIf((cell: MetricsValueV1) => cell.value !== null)
  @IsNumber()
  @Min(0)
  value: number | null;

  @IsBoolean()
  suppressed: boolean;
}

const PLACE_ID = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';
/** `all`, `facility:<f>` or `department:<f>/<d>`, ids from reporting's vocabulary: never free text. */
const PLACE_LABEL = new RegExp(`^(all|facility:${PLACE_ID}|department:${PLACE_ID}/${PLACE_ID})$`);
const PLACE_LABEL_MESSAGE = 'must be all, facility:<id> or department:<id>/<id>';

/** One count: the cases of `place` (all, facility:<f>, department:<f>/<d>) in column `measure`. */
export class MetricsCellV1 extends MetricsValueV1 {
  @IsString()
  @Matches(PLACE_LABEL, { message: PLACE_LABEL_MESSAGE })
  place: string;

  @IsString()
  @MaxLength(100)
  measure: string;
}

/** A median, p90 or percentage of one place, published only when based on at least k cases. */
export class MetricsStatisticV1 extends MetricsValueV1 {
  @IsString()
  @Matches(PLACE_LABEL, { message: PLACE_LABEL_MESSAGE })
  place: string;

  @IsString()
  @MaxLength(100)
  statistic: string;
}

/** Supporters by how many cases they carried in the period ("all" = supporters active in the period). */
export class MetricsLoadBinV1 extends MetricsValueV1 {
  @IsString()
  @MaxLength(20)
  bin: string;
}

export class MetricsPeriodV1 {
  @IsIn(['month', 'quarter', 'year'])
  granularity: 'month' | 'quarter' | 'year';

  @Matches(/^\d{4}(-\d{2}|-Q[1-4])?$/)
  label: string;

  @IsRfc3339()
  start: string;

  @IsRfc3339()
  end: string;
}

/**
 * The protected release of one calendar period for the hospital's data platform: anonymized aggregates
 * only, with the same disclosure control as the reporting API (no count from 1 to k-1, complementary
 * suppression, a statistic only where the counts it rests on are published, place labels only from the
 * configured vocabulary and only for places whose count is published and not zero). A period is released
 * once, when it has settled, and never changes afterwards; the topic is compacted per key (the period
 * label), so it holds that one release per period.
 */
export class SupportMetricsV1 {
  @IsUUID()
  releaseId: string;

  @IsRfc3339()
  generatedAt: string;

  @IsInt()
  @Min(2)
  minCellSize: number;

  @IsObject()
  @ValidateNested()
  @Type(() => MetricsPeriodV1)
  period: MetricsPeriodV1;

  @IsArray()
  @ArrayMaxSize(100_000)
  @ValidateNested({ each: true })
  @Type(() => MetricsCellV1)
  cells: MetricsCellV1[];

  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => MetricsStatisticV1)
  statistics: MetricsStatisticV1[];

  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => MetricsLoadBinV1)
  supporterLoad: MetricsLoadBinV1[];
}

export const SupportMetrics = defineEvent({
  type: 'org.harbor.support.metrics',
  version: 1,
  topic: 'support.metrics.v1',
  payload: SupportMetricsV1,
  key: (release) => release.period.label,
  subject: (release) => release.period.label,
  // One record per period: compaction keeps only the current one, and a short segment roll lets the
  // cleaner reach superseded records (e.g. from before releases were fixed) within minutes.
  topicPolicy: { cleanupPolicy: 'compact', segmentMs: 600_000 },
});
