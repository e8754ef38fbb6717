import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StaffPageKind } from '@harbor/contracts';

export interface StaffPageFilter {
  status?: string;
  kind?: StaffPageKind;
  limit: number;
}

/**
 * Staff pages as program staff and the on-call engineer read them, newest first: ids, channel kinds and
 * outcome only, never an address or the page text. Read only; the dispatcher writes the dispatches.
 */
@Injectable()
export class StaffPageViews {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(filter: StaffPageFilter): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT d."ref_id" AS "pageId", d."page_kind" AS "kind", d."case_id" AS "caseId", d."recipient_id" AS "recipientId", d."status",
              d."gave_up_because" AS "failedBecause", d."failures", d."created_at" AS "requestedAt", d."deliver_by" AS "deliverBy",
              d."waiting_since" AS "waitingSince", d."finished_at" AS "finishedAt",
              (SELECT jsonb_agg(c ->> 'kind') FROM jsonb_array_elements(d."channels") c) AS "channels",
              (SELECT count(*)::int FROM "notification"."delivery_attempts" a WHERE a."dispatch_id" = d."id") AS "sends"
       FROM "notification"."dispatches" d
       WHERE d."kind" = 'staff-page' AND ($1::text IS NULL OR d."status" = $1) AND ($2::text IS NULL OR d."page_kind" = $2)
       ORDER BY d."created_at" DESC LIMIT $3`,
      [filter.status ?? null, filter.kind ?? null, filter.limit],
    );
  }
}
