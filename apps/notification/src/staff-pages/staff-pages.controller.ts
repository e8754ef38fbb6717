import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Controller, Get, Query } from '@nestjs/common';
import { Role, Roles } from '@harbor/auth';
import { toInt } from '@harbor/config';
import { STAFF_PAGE_KINDS, StaffPageKind } from '@harbor/contracts';
import { DispatchStore } from '../dispatch/dispatch-store';

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
  constructor(private readonly dispatches: DispatchStore) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector, Role.Ops)
  async list(@Query() query: ListStaffPagesQuery) {
    const pages = await this.dispatches.staffPages({ status: query.status, kind: query.kind, limit: query.limit });
    return { pages };
  }
}
