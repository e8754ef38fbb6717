import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { GROUPINGS, Grouping } from './dimensions';
import { PLACE_LEVELS, PlaceLevel } from './places';
import { GRANULARITIES, Granularity } from './periods';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class ReportQueryDto {
  /** First month included, `YYYY-MM` (default: January of last year). */
  @IsOptional()
  @Matches(MONTH, { message: 'must be a month as YYYY-MM' })
  from?: string;

  /** Last month included, `YYYY-MM` (default: the current month). */
  @IsOptional()
  @Matches(MONTH, { message: 'must be a month as YYYY-MM' })
  to?: string;

  /** The finest periods wanted; coarser ones are used where months or quarters are too small. */
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  /** Rows: departments, facilities or all places (default facility). */
  @IsOptional()
  @IsIn(PLACE_LEVELS)
  place?: PlaceLevel;

  /** Only this facility (and its departments). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  facility?: string;

  /** Which counts to show as columns. */
  @IsOptional()
  @IsIn(GROUPINGS)
  groupBy?: Grouping;

  /** Only with groupBy=category: `category:<c>` or `group:<g>`. */
  @IsOptional()
  @Matches(/^(category|group):[a-z-]{1,60}$/, { message: 'must be category:<category> or group:<group>' })
  category?: string;
}

export class SummaryQueryDto {
  /** Kept for compatibility; the summary covers the calendar years these months fall in. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}/, { message: 'must start with YYYY-MM' })
  from?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}/, { message: 'must start with YYYY-MM' })
  to?: string;
}

export class AtAGlanceQueryDto {
  /** Calendar year (UTC) of the sheet; default the current one. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}
