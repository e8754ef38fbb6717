import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChannelAddressV1, StaffPageKind } from '@harbor/contracts';
import { wakeOnCommit } from '@harbor/messaging';
import { activeTraceparent } from '@harbor/observability';

export const DISPATCH_CHANNEL = 'harbor_notification_dispatch';
/** Marks a transaction that queued a dispatch, so its commit wakes this process's dispatcher. */
export const DISPATCH_QUEUED = 'harborDispatchQueued';

export type DispatchKind = 'offer-page' | 'staff-page' | 'pagerduty-acknowledge' | 'pagerduty-resolve';

/** A PagerDuty acknowledge/resolve that cannot be delivered within a day is no longer worth sending. */
const PAGERDUTY_FOLLOW_UP_DEADLINE_MS = 24 * 3600_000;

export interface NewDispatch {
  kind: DispatchKind;
  refId: string;
  caseId: string;
  recipientId: string;
  channels: ChannelAddressV1[];
  text?: string;
  /** For staff pages: which one (reminder or escalation), for the failure event and the staff API. */
  pageKind?: StaffPageKind;
  /**
   * Retried until delivered or this time, then given up (a staff page's own deadline). Offer pages have
   * none: they are retried while their offer is open, and matching closes the offer.
   */
  deliverBy?: Date;
}

/**
 * Asks the dispatcher to look at due work once `manager`'s transaction commits: inside a transaction, the
 * commit wakes this process's dispatcher (a TypeORM after-commit hook); outside one, NOTIFY wakes every
 * replica's. Per-transaction NOTIFY is avoided on purpose: Postgres serialises the commits of notifying
 * transactions on one global lock (see `onCommitRequesting` in @harbor/messaging).
 */
export async function requestDispatch(manager: EntityManager): Promise<void> {
  if (!wakeOnCommit(manager, DISPATCH_QUEUED)) await manager.query(`SELECT pg_notify($1, '')`, [DISPATCH_CHANNEL]);
}

/**
 * Records a page to send in the caller's transaction; the dispatcher sends it after the commit
 * (`requestDispatch`). One row per (kind, ref): a redelivered event adds nothing.
 */
@Injectable()
export class DispatchQueue {
  async enqueue(manager: EntityManager, dispatch: NewDispatch): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "notification"."dispatches" ("id", "kind", "ref_id", "case_id", "recipient_id", "channels", "text", "page_kind", "deliver_by", "traceparent")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT ("kind", "ref_id") DO NOTHING RETURNING 1`,
      [randomUUID(), dispatch.kind, dispatch.refId, dispatch.caseId, dispatch.recipientId, JSON.stringify(dispatch.channels), dispatch.text ?? null,
        dispatch.pageKind ?? null, dispatch.deliverBy ?? null, activeTraceparent() ?? null],
    );
    if (inserted.length > 0) await requestDispatch(manager);
    return inserted.length > 0;
  }

  /** Follows up a PagerDuty incident opened for this assignment's page, if one was opened. */
  async followUpPagerDuty(manager: EntityManager, assignmentId: string, action: 'acknowledge' | 'resolve'): Promise<void> {
    const [sent] = await manager.query(
      `SELECT "case_id", "recipient_id", "channels" -> "channel_index" AS "address" FROM "notification"."dispatches"
       WHERE "kind" = 'offer-page' AND "ref_id" = $1 AND "status" = 'sent' AND "channels" -> "channel_index" ->> 'kind' = 'pagerduty'`,
      [assignmentId],
    );
    if (!sent) return;
    await this.enqueue(manager, {
      kind: `pagerduty-${action}`, refId: assignmentId, caseId: sent.case_id, recipientId: sent.recipient_id, channels: [sent.address],
      deliverBy: new Date(Date.now() + PAGERDUTY_FOLLOW_UP_DEADLINE_MS),
    });
  }
}
