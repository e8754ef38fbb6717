import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { wakeOnCommit } from '@harbor/persistence';
import { activeTraceparent } from '@harbor/observability';
import { DispatchStore, NewDispatch } from './dispatch-store';

export const DISPATCH_CHANNEL = 'harbor_notification_dispatch';
/** Marks a transaction that queued a dispatch, so its commit wakes this process's dispatcher. */
export const DISPATCH_QUEUED = 'harborDispatchQueued';

/** A PagerDuty acknowledge/resolve that cannot be delivered within a day is no longer worth sending. */
const PAGERDUTY_FOLLOW_UP_DEADLINE_MS = 24 * 3600_000;

/**
 * Asks the dispatcher to look at due work once `manager`'s transaction commits: inside a transaction, the
 * commit wakes this process's dispatcher (a TypeORM after-commit hook); outside one, NOTIFY wakes every
 * replica's. Per-transaction NOTIFY is avoided on purpose: Postgres serialises the commits of notifying
 * transactions on one global lock (see `onCommitRequesting` in @harbor/persistence).
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
  constructor(private readonly store: DispatchStore) {}

  async enqueue(manager: EntityManager, dispatch: Omit<NewDispatch, 'traceparent'>): Promise<boolean> {
    const inserted = await this.store.enqueue(manager, { ...dispatch, traceparent: activeTraceparent() ?? null });
    if (inserted) await requestDispatch(manager);
    return inserted;
  }

  /** Queues the page of a ref this transaction has just created (DispatchStore.enqueueAtCommit): written as it commits. */
  async enqueueNew(manager: EntityManager, dispatch: Omit<NewDispatch, 'traceparent'>): Promise<void> {
    await this.store.enqueueAtCommit(manager, { ...dispatch, traceparent: activeTraceparent() ?? null });
    await requestDispatch(manager);
  }

  /** Follows up a PagerDuty incident opened for this assignment's page, if one was opened. */
  async followUpPagerDuty(manager: EntityManager, assignmentId: string, action: 'acknowledge' | 'resolve'): Promise<void> {
    const sent = await this.store.sentPagerDutyOfferPage(manager, assignmentId);
    if (!sent) return;
    await this.enqueue(manager, {
      kind: `pagerduty-${action}`, refId: assignmentId, caseId: sent.caseId, recipientId: sent.recipientId, channels: [sent.address],
      deliverBy: new Date(Date.now() + PAGERDUTY_FOLLOW_UP_DEADLINE_MS),
    });
  }
}
