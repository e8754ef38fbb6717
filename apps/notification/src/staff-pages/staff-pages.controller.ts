import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role, Roles } from '@harbor/auth';
import { toInt } from '@harbor/config';
import { STAFF_PAGE_KINDS, StaffPageKind } from '@harbor/contracts';

const DISPATCH_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

export class ListStaffPagesQuery {
  /** `failed`: given up (every channel refused, or the deadline passed); `pending`: still being retried. */
  @IsOptional()
  @IsIn(DISPATCH_STATUSES)
  status?: (typeof DISPATCH_STATUSES)[number];

  @IsOptional()
  @IsIn(STAFF_PAGE_KINDS)
  kind?: StaffPageKind;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

/**
 * Staff pages (coordinator escalations, follow-up reminders) and whether they reached their recipient, newest
 * first, for program staff and the on-call engineer (until the program console exists). A failed page is the
 * last line of defence having failed: someone must call the coordinator. Ids and channel kinds only; never an
 * address or the page text.
 */
@Controller('v1/staff-pages')
export class StaffPagesController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector, Role.Ops)
  async list(@Query() query: ListStaffPagesQuery) {
    const pages = await this.dataSource.query(
      `SELECT d."ref_id" AS "pageId", d."page_kind" AS "kind", d."case_id" AS "caseId", d."recipient_id" AS "recipientId", d."status",
              d."gave_up_because" AS "failedBecause", d."failures", d."created_at" AS "requestedAt", d."deliver_by" AS "deliverBy",
              d."waiting_since" AS "waitingSince", d."finished_at" AS "finishedAt",
              (SELECT jsonb_agg(c ->> 'kind') FROM jsonb_array_elements(d."channels") c) AS "channels",
              (SELECT count(*)::int FROM "notification"."delivery_attempts" a WHERE a."dispatch_id" = d."id") AS "sends"
       FROM "notification"."dispatches" d
       WHERE d."kind" = 'staff-page' AND ($1::text IS NULL OR d."status" = $1) AND ($2::text IS NULL OR d."page_kind" = $2)
       ORDER BY d."created_at" DESC LIMIT $3`,
      [query.status ?? null, query.kind ?? null, query.limit],
    );
    return { pages };
  }
}
