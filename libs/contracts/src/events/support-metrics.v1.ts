import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsString, IsUUID, Matches, MaxLength, Min, ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '@harbor/messaging';

/** A published number: `value` is null exactly when `suppressed` is true. */
export class MetricsValueV1 {
  @ValidateIf((cell: MetricsValueV1) => cell.value !== null)
  @IsNumber()
  @Min(0)
  value: number | null;

  @IsBoolean()
  suppressed: boolean;
}

/** One count: the cases of `place` (all, facility:<f>, department:<f>/<d>) in column `measure`. */
export class MetricsCellV1 extends MetricsValueV1 {
  @IsString()
  @MaxLength(200)
  place: string;

  @IsString()
  @MaxLength(100)
  measure: string;
}

/** A median, p90 or percentage of one place, published only when based on at least k cases. */
export class MetricsStatisticV1 extends MetricsValueV1 {
  @IsString()
  @MaxLength(200)
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

  @IsISO8601({ strict: true })
  start: string;

  @IsISO8601({ strict: true })
  end: string;
}

/**
 * The protected release of one calendar period for the hospital's data platform: anonymized aggregates
 * only, with the same small-cell suppression as the reporting API (no count from 1 to k-1, no statistic
 * from fewer than k cases, complementary suppression). Republished periodically; the latest message per
 * key (the period label) supersedes earlier ones.
 */
export class SupportMetricsV1 {
  @IsUUID()
  releaseId: string;

  @IsISO8601({ strict: true })
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
});
