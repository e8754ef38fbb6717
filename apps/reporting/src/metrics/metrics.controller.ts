import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role, Roles } from '@harbor/auth';
import { fileSlug, InvalidRequestException, pdfDownloadHeaders } from '@harbor/service-runtime';
import { Published, sumPublished, SUPPRESSED } from '../disclosure/statistics';
import { ProgramIdentity, ReleaseSchedule } from '../reporting.settings';
import { AtAGlance, programAtAGlance } from './at-a-glance';
import { atAGlancePdf } from './at-a-glance-pdf';
import { parseMonth } from './periods';
import { sumGroupDebriefs } from './group-debriefs';
import { buildReport, Report } from './report';
import { AtAGlanceQueryDto, ReportQueryDto, SummaryQueryDto } from './report.dto';
import { reportToCsv } from './report-csv';
import { ReleaseStore } from './release-store';

const MAX_YEARS = 10;

/** Program metrics for quality & safety: views of the protected releases, never raw counts. */
@Controller('v1/metrics')
export class MetricsController {
  constructor(
    private readonly store: ReleaseStore,
    private readonly schedule: ReleaseSchedule,
    private readonly program: ProgramIdentity,
  ) {}

  /**
   * "Program at a glance" for grand rounds and staff meetings: one year's headline counts, rates, breakdowns and
   * periods, every one read from the protected releases (docs/reporting.md, "Program at a glance").
   */
  @Get('at-a-glance')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  async atAGlance(@Query() query: AtAGlanceQueryDto): Promise<AtAGlance & { program: string }> {
    return { program: this.program.name, ...(await this.glanceOf(query)) };
  }

  /** The same sheet as one printable page (PDF download). */
  @Get('at-a-glance.pdf')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  async atAGlancePdf(@Query() query: AtAGlanceQueryDto, @Res() response: Response) {
    const glance = await this.glanceOf(query);
    const pdf = await atAGlancePdf(glance, this.program.name, new Date());
    response.set(pdfDownloadHeaders(`${fileSlug(this.program.name, 'peer-support')}-at-a-glance-${glance.year}.pdf`));
    response.status(200).end(pdf);
  }

  private async glanceOf(query: AtAGlanceQueryDto): Promise<AtAGlance> {
    const year = query.year ?? new Date().getUTCFullYear();
    return programAtAGlance(await this.store.shelf(year, year), year, this.schedule.minCellSize);
  }

  @Get('report')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  async report(@Query() query: ReportQueryDto): Promise<Report> {
    return this.buildReport(query);
  }

  @Get('report.csv')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="harbor-metrics.csv"')
  async csv(@Query() query: ReportQueryDto): Promise<string> {
    return reportToCsv(await this.buildReport(query));
  }

  /** Program totals over whole calendar years, added up from the published periods only. */
  @Get('summary')
  @Roles(Role.QsAnalyst, Role.ProgramDirector)
  async summary(@Query() query: SummaryQueryDto) {
    const now = new Date();
    const fromYear = query.from ? Number(query.from.slice(0, 4)) : now.getUTCFullYear();
    const toYear = query.to ? Number(query.to.slice(0, 4)) : Math.max(fromYear, now.getUTCFullYear());
    this.checkYears(fromYear, toYear, 'to');
    const shelf = await this.store.shelf(fromYear, toYear);
    const report = buildReport(
      shelf,
      { from: new Date(Date.UTC(fromYear, 0, 1)), to: new Date(Date.UTC(toYear + 1, 0, 1)), granularity: 'year', place: 'all', grouping: 'outreach' },
      this.schedule.minCellSize,
    );
    // A period without a row or cell counts 0; any suppressed period suppresses the total.
    const total = (column: string): Published => sumPublished(report.periods.map((period) => period.rows[0]?.cells[column]));
    const single = report.periods.length === 1 && !report.periods[0].derived ? report.periods[0].rows[0]?.statistics : null;
    return {
      minCellSize: this.schedule.minCellSize,
      // The time the totals cover: released periods only (each is released REPORTING_RELEASE_DELAY_DAYS after it
      // ends), so `to` stops where the first unreleased period starts.
      period: { from: `${fromYear}-01-01T00:00:00.000Z`, to: report.unreleasedFrom ?? `${toYear + 1}-01-01T00:00:00.000Z` },
      cases: total('cases'),
      offered: total('outreach:offered'),
      accepted: total('supporter:accepted'),
      reached: total('reached:yes'),
      medianMinutesOfferToAccept: single?.medianMinutesOfferToAccept ?? SUPPRESSED,
      // Their own kind, under the same protection: sums of the released periods' protected debrief tables.
      groupDebriefs: sumGroupDebriefs(report.periods.map((period) => period.groupDebriefs ?? undefined)),
      unreleasedFrom: report.unreleasedFrom,
    };
  }

  private async buildReport(query: ReportQueryDto): Promise<Report> {
    const now = new Date();
    const from = query.from ? parseMonth(query.from) : new Date(Date.UTC(now.getUTCFullYear() - 1, 0, 1));
    const lastMonth = query.to ? parseMonth(query.to) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 1));
    if (to <= from) throw new InvalidRequestException([{ field: 'to', message: 'must not be before from' }]);
    this.checkYears(from.getUTCFullYear(), lastMonth.getUTCFullYear(), 'from');
    const grouping = query.groupBy ?? 'kind';
    if (query.category && grouping !== 'category') {
      throw new InvalidRequestException([
        { field: 'category', message: 'applies only with groupBy=category: other cross-tabulations of a category are not released' },
      ]);
    }
    const vocabulary = this.store.settings.vocabulary;
    if (query.facility !== undefined && !vocabulary.knowsFacility(query.facility)) {
      throw new InvalidRequestException([{ field: 'facility', message: 'must be a facility of REPORTING_FACILITIES, or other' }]);
    }
    const shelf = await this.store.shelf(from.getUTCFullYear(), lastMonth.getUTCFullYear());
    return buildReport(
      shelf,
      {
        from,
        to,
        granularity: query.granularity ?? 'month',
        place: query.place ?? 'facility',
        facility: query.facility === undefined ? undefined : vocabulary.facilityId(query.facility),
        grouping,
        category: query.category,
      },
      this.schedule.minCellSize,
    );
  }

  private checkYears(fromYear: number, toYear: number, field: string) {
    if (toYear < fromYear) throw new InvalidRequestException([{ field, message: 'must not be before from' }]);
    if (toYear - fromYear >= MAX_YEARS) throw new InvalidRequestException([{ field, message: `covers more than ${MAX_YEARS} calendar years` }]);
  }
}
