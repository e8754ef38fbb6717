import { Controller, Get, Inject, Query } from '@nestjs/common';
import { IsISO8601, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { Role, Roles } from '@harbor/auth';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { ReportingEnv } from '../reporting.env';
import { median, publishCount, publishStatistic } from './disclosure-control';

export class SummaryQuery {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** Program totals for quality & safety, with small-cell suppression applied to every number. */
@Controller('v1/metrics')
export class MetricsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: ReportingEnv,
  ) {}

  @Get('summary')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  async summary(@Query() query: SummaryQuery) {
    const rows: { requested_hour: Date | null; accepted_hour: Date | null; escalated_hour: Date | null; offers: number; minutes_to_accept: number | null }[] =
      await this.dataSource.query(
        `SELECT "requested_hour", "accepted_hour", "escalated_hour", "offers", "minutes_to_accept" FROM "reporting"."case_facts"
         WHERE ($1::timestamptz IS NULL OR "requested_hour" >= $1) AND ($2::timestamptz IS NULL OR "requested_hour" < $2)`,
        [query.from ?? null, query.to ?? null],
      );
    const k = this.env.REPORTING_MIN_CELL_SIZE;
    const accepted = rows.filter((row) => row.accepted_hour);
    const acceptMinutes = accepted.map((row) => row.minutes_to_accept).filter((value): value is number => value !== null);
    return {
      minCellSize: k,
      period: { from: query.from ?? null, to: query.to ?? null },
      cases: publishCount(rows.length, k),
      offered: publishCount(rows.filter((row) => row.offers > 0).length, k),
      accepted: publishCount(accepted.length, k),
      escalated: publishCount(rows.filter((row) => row.escalated_hour).length, k),
      medianMinutesEventToAccept: publishStatistic(median(acceptMinutes), acceptMinutes.length, k),
    };
  }
}
