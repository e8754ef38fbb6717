import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChannelAddressV1, StaffPageKind } from '@harbor/contracts';
import { InsertAtCommit, InsertColumn, sendWithNextStatement } from '@harbor/persistence';
import { offerStatusSubquery } from '../offers/offer-store';
import { SmsAddressHashes } from './address-hash';
import { smsConsentSql } from './sms-opt-outs';

export type DispatchKind = 'offer-page' | 'staff-page' | 'pagerduty-acknowledge' | 'pagerduty-resolve';
export type FinishedStatus = 'sent' | 'failed' | 'cancelled';

/** One dispatch by id, or an assignment's offer page while it is still pending (the latter finishes nothing once it was sent or given up). */
export type DispatchToFinish = { id: string } | { pendingOfferPageFor: string };

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
  /** The trace context of the record that queued the page (null with tracing off). */
  traceparent?: string | null;
}

/** A pending dispatch a worker claimed: it holds the lease until it settles the row, releases it, or the lease ends. */
export interface ClaimedDispatch {
  id: string;
  kind: DispatchKind;
  refId: string;
  caseId: string;
  recipientId: string;
  channels: ChannelAddressV1[];
  text: string | null;
  channelIndex: number;
  /** Sends on the current channel in this pass, this claim's included. */
  attempt: number;
  round: number;
  refused: number[];
  failures: string[];
  deliverBy: Date | null;
  pageKind: StaffPageKind | null;
  createdAt: Date;
  /** The trace context of the record that queued the page (null with tracing off). */
  traceparent: string | null;
  /** Whether an earlier send of this page was never confirmed (crash, timeout): it is reconciled first. */
  unsettled: boolean;
  /** An offer page's offer as the claim found it (null when there is no such offer); undefined for other kinds. */
  offerStatus?: string | null;
}

/** Where a page goes next after a failure it can recover from: another channel now, or the same ones after a wait. */
export interface NextChannel {
  channelIndex: number;
  round: number;
  refused: number[];
  failures: string[];
  delayMs: number;
  /** The page now waits on a provider (its trouble, or a wait for its trial), for the gauge and the breaker's wake-up. */
  waiting: boolean;
}

/** A send recorded as an intent whose outcome was never learned: a crash, or an ambiguous failure (timeout). */
export interface UnsettledAttempt {
  id: string;
  /** Null for intents recorded before channel indexes were (the dispatch's current channel). */
  channelIndex: number | null;
  attemptedAt: Date;
}

export type AttemptStatus = 'sent' | 'failed' | 'unknown';
export type Reconciliation = 'found' | 'absent' | 'not-looked-up' | 'lookup-refused';

export interface PendingPages {
  kind: DispatchKind;
  oldestSeconds: number;
  waiting: number;
  pending: number;
}

export interface StaffPageFilter {
  status?: string;
  kind?: StaffPageKind;
  limit: number;
}

/** A staff page as program staff and the on-call engineer read it: ids, channel kinds and outcome only. */
export interface StaffPageView {
  pageId: string;
  kind: StaffPageKind | null;
  caseId: string;
  recipientId: string;
  status: string;
  failedBecause: string | null;
  failures: string[];
  requestedAt: Date;
  deliverBy: Date | null;
  waitingSince: Date | null;
  finishedAt: Date | null;
  channels: string[];
  sends: number;
}

interface DispatchRow {
  id: string;
  kind: DispatchKind;
  ref_id: string;
  case_id: string;
  recipient_id: string;
  channels: ChannelAddressV1[];
  text: string | null;
  channel_index: number;
  attempt: number;
  round: number;
  refused: number[];
  failures: string[];
  deliver_by: Date | null;
  page_kind: StaffPageKind | null;
  created_at: Date;
  traceparent: string | null;
  unsettled: boolean;
  offer_status: string | null;
}

/** The columns a new dispatch sets, with their types (InsertAtCommit sends them as typed arrays). */
const DISPATCH_COLUMN_TYPES: InsertColumn[] = [
  ['"id"', 'uuid'], ['"kind"', 'text'], ['"ref_id"', 'uuid'], ['"case_id"', 'uuid'], ['"recipient_id"', 'text'], ['"channels"', 'jsonb'], ['"text"', 'text'],
  ['"page_kind"', 'text'], ['"deliver_by"', 'timestamptz'], ['"traceparent"', 'text'],
];
const DISPATCH_COLUMNS = DISPATCH_COLUMN_TYPES.map(([name]) => name);

/**
 * What a claim returns of each row, named (never `*`): a prepared claim keeps its result's shape when a later
 * migration adds a column (libs/persistence postgres-client.ts).
 */
const CLAIMED_COLUMNS = ['"id"', '"kind"', '"ref_id"', '"case_id"', '"recipient_id"', '"channels"', '"text"', '"channel_index"', '"attempt"', '"round"',
  '"refused"', '"failures"', '"deliver_by"', '"page_kind"', '"created_at"', '"traceparent"'].join(', ');

/** A new dispatch's values in DISPATCH_COLUMNS' order. */
function dispatchValues(dispatch: NewDispatch): unknown[] {
  return [randomUUID(), dispatch.kind, dispatch.refId, dispatch.caseId, dispatch.recipientId, JSON.stringify(dispatch.channels), dispatch.text ?? null,
    dispatch.pageKind ?? null, dispatch.deliverBy ?? null, dispatch.traceparent ?? null];
}

type Db = DataSource | EntityManager;

/**
 * The one owner of `"notification"."dispatches"` (pages to send: offer pages, staff pages, PagerDuty
 * follow-ups) and `"notification"."delivery_attempts"` (each send, recorded as an intent before the provider is
 * called). Raw SQL on purpose: the claim is a lease taken with `FOR UPDATE SKIP LOCKED`, so replicas share the
 * work and a crashed worker's rows come back when its lease ends. No other file names these tables; the
 * delivery receipts' owner (DeliveryReceipts) only checks that a receipt's provider reference is one of these
 * attempts. Methods that take a manager run in the caller's transaction.
 */
@Injectable()
export class DispatchStore {
  private readonly newPages = new InsertAtCommit('"notification"."dispatches"', DISPATCH_COLUMN_TYPES, 'ON CONFLICT ("kind", "ref_id") DO NOTHING');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Records a page to send, once per (kind, ref): false when it is already there (a redelivered event). */
  async enqueue(manager: EntityManager, dispatch: NewDispatch): Promise<boolean> {
    await this.newPages.writeNow(manager);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "notification"."dispatches" (${DISPATCH_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT ("kind", "ref_id") DO NOTHING RETURNING 1`,
      dispatchValues(dispatch),
    );
    return inserted.length > 0;
  }

  /**
   * Records the page of a ref the caller's transaction has just created (an offer it inserted), so no page of that
   * ref can be there yet and there is nothing to answer: the row is written as the transaction commits, with every
   * other page the transaction queued (a consumer chunk's offers: one INSERT). Every other method here that takes the
   * transaction's manager writes the pending rows first.
   */
  async enqueueAtCommit(manager: EntityManager, dispatch: NewDispatch): Promise<void> {
    await this.newPages.add(manager, dispatchValues(dispatch));
  }

  /** The assignment's offer page, if it was delivered through PagerDuty: who it went to and the routing address. */
  async sentPagerDutyOfferPage(manager: EntityManager, assignmentId: string): Promise<{ caseId: string; recipientId: string; address: ChannelAddressV1 } | undefined> {
    await this.newPages.writeNow(manager);
    const [sent] = await manager.query(
      `SELECT "case_id", "recipient_id", "channels" -> "channel_index" AS "address" FROM "notification"."dispatches"
       WHERE "kind" = 'offer-page' AND "ref_id" = $1 AND "status" = 'sent' AND "channels" -> "channel_index" ->> 'kind' = 'pagerduty'`,
      [assignmentId],
    );
    return sent && { caseId: sent.case_id, recipientId: sent.recipient_id, address: sent.address };
  }

  /**
   * Claims up to `limit` due pending dispatches for `leaseMs`, oldest due first, and counts the attempt. Rows
   * another worker is claiming are skipped (SKIP LOCKED), rows whose lease has not ended are not due.
   */
  async claim(leaseMs: number, limit: number): Promise<ClaimedDispatch[]> {
    const rows: DispatchRow[] = await this.dataSource.query(
      `WITH "claimed" AS (
         UPDATE "notification"."dispatches" SET "lease_until" = now() + make_interval(secs => $1::float8 / 1000), "attempt" = "attempt" + 1
         WHERE "id" IN (SELECT "id" FROM "notification"."dispatches"
                        WHERE "status" = 'pending' AND "due_at" <= now() AND ("lease_until" IS NULL OR "lease_until" < now())
                        ORDER BY "due_at" LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${CLAIMED_COLUMNS})
       SELECT "claimed".*,
              EXISTS (SELECT 1 FROM "notification"."delivery_attempts" "a" WHERE "a"."dispatch_id" = "claimed"."id" AND "a"."status" IN ('sending', 'unknown')) AS "unsettled",
              CASE WHEN "claimed"."kind" = 'offer-page' THEN ${offerStatusSubquery('"claimed"."ref_id"')} END AS "offer_status"
       FROM "claimed"`,
      [leaseMs, limit],
    );
    return rows.map((row) => ({
      id: row.id, kind: row.kind, refId: row.ref_id, caseId: row.case_id, recipientId: row.recipient_id, channels: row.channels, text: row.text,
      channelIndex: row.channel_index, attempt: row.attempt, round: row.round, refused: row.refused, failures: row.failures, deliverBy: row.deliver_by,
      pageKind: row.page_kind, createdAt: row.created_at, traceparent: row.traceparent, unsettled: row.unsettled,
      ...(row.kind === 'offer-page' ? { offerStatus: row.offer_status } : {}),
    }));
  }

  /** Ends this worker's lease early and makes the row due again after `delayMs` (not sooner than it already was). */
  async release(id: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE "notification"."dispatches" SET "lease_until" = NULL, "due_at" = GREATEST("due_at", now() + make_interval(secs => $2::float8 / 1000))
       WHERE "id" = $1 AND "status" = 'pending'`,
      [id, delayMs],
    );
  }

  /**
   * Ends a dispatch: its final status and time, the page text dropped (it may carry a link, which is a credential),
   * the lease released. `failures`, when given, replaces the list of failed channels.
   */
  async finish(db: Db, which: DispatchToFinish, status: FinishedStatus, failures?: string[]): Promise<void> {
    if (db instanceof EntityManager) await this.newPages.writeNow(db);
    const [where, key] = 'id' in which
      ? [`"id" = $2`, which.id]
      : [`"kind" = 'offer-page' AND "ref_id" = $2 AND "status" = 'pending'`, which.pendingOfferPageFor];
    const params: unknown[] = [status, key];
    if (failures) params.push(JSON.stringify(failures));
    await sendWithNextStatement(
      db,
      `UPDATE "notification"."dispatches" SET "status" = $1, "text" = NULL, "lease_until" = NULL, "finished_at" = now()${failures ? `, "failures" = $3` : ''}
       WHERE ${where}`,
      params,
    );
  }

  /** Ends a dispatch as failed, with why it was given up and, when known, the channels that refused it. */
  async giveUp(manager: EntityManager, id: string, failures: string[], because: string, refused?: number[]): Promise<void> {
    await this.newPages.writeNow(manager);
    await this.finish(manager, { id }, 'failed', failures);
    await manager.query(`UPDATE "notification"."dispatches" SET "gave_up_because" = $2, "refused" = COALESCE($3, "refused") WHERE "id" = $1`, [
      id, because, refused ? JSON.stringify(refused) : null,
    ]);
  }

  /** The same channel again after `delayMs` (never after the page's deadline); the page counts as waiting on its provider. */
  async retryLater(manager: EntityManager, id: string, delayMs: number): Promise<void> {
    await this.newPages.writeNow(manager);
    await sendWithNextStatement(
      manager,
      `UPDATE "notification"."dispatches" SET "due_at" = LEAST(now() + make_interval(secs => $2::float8 / 1000), COALESCE("deliver_by", 'infinity')),
         "lease_until" = NULL, "waiting_since" = COALESCE("waiting_since", now()) WHERE "id" = $1`,
      [id, delayMs],
    );
  }

  /** Moves the page to its next channel (or round), its attempts counted afresh, due after `delayMs` (never after its deadline). */
  async moveOn(manager: EntityManager, id: string, next: NextChannel): Promise<void> {
    await this.newPages.writeNow(manager);
    await sendWithNextStatement(
      manager,
      `UPDATE "notification"."dispatches" SET "channel_index" = $2, "attempt" = 0, "round" = $3, "refused" = $4, "failures" = $5, "lease_until" = NULL,
         "due_at" = LEAST(now() + make_interval(secs => $6::float8 / 1000), COALESCE("deliver_by", 'infinity')),
         "waiting_since" = CASE WHEN $7 THEN COALESCE("waiting_since", now()) ELSE "waiting_since" END
       WHERE "id" = $1`,
      [id, next.channelIndex, next.round, JSON.stringify(next.refused), JSON.stringify(next.failures), next.delayMs, next.waiting],
    );
  }

  /** Pages waiting for this provider (their current channel) are due now. */
  async resumeWaitingFor(provider: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "notification"."dispatches" SET "due_at" = now()
       WHERE "status" = 'pending' AND "due_at" > now() AND "waiting_since" IS NOT NULL AND "channels" -> "channel_index" ->> 'kind' = $1`,
      [provider],
    );
  }

  /** Pages not yet delivered or given up, by kind: the oldest one's age, how many wait on a provider, how many in all. */
  async pendingByKind(): Promise<PendingPages[]> {
    const rows: { kind: DispatchKind; oldest_seconds: number; waiting: number; pending: number }[] = await this.dataSource.query(
      `SELECT "kind", EXTRACT(EPOCH FROM now() - min("created_at"))::float8 AS "oldest_seconds",
              count(*) FILTER (WHERE "waiting_since" IS NOT NULL)::int AS "waiting", count(*)::int AS "pending"
       FROM "notification"."dispatches" WHERE "status" = 'pending' GROUP BY "kind"`,
    );
    return rows.map((row) => ({ kind: row.kind, oldestSeconds: row.oldest_seconds, waiting: row.waiting, pending: row.pending }));
  }

  /**
   * Which of these assignments' offer pages had been delivered (by Harbor's record, to the second) at `writtenAt`:
   * an SMS answer binds only to offers paged before it was written.
   */
  async offerPagesSentBy(manager: EntityManager, assignmentIds: string[], writtenAt: Date): Promise<Set<string>> {
    await this.newPages.writeNow(manager);
    if (assignmentIds.length === 0) return new Set();
    const rows: { ref_id: string }[] = await manager.query(
      `SELECT "ref_id" FROM "notification"."dispatches"
       WHERE "kind" = 'offer-page' AND "ref_id" = ANY($1) AND "status" = 'sent' AND date_trunc('second', "finished_at") <= $2`,
      [assignmentIds, writtenAt],
    );
    return new Set(rows.map((row) => row.ref_id));
  }

  /** Staff pages, newest first: ids, channel kinds and outcome only, never an address or the page text. */
  async staffPages(filter: StaffPageFilter): Promise<StaffPageView[]> {
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

  // Delivery attempts: one row per send.

  /**
   * The intent, committed before the provider is called: if this process dies between the call and its
   * record, the next worker finds the attempt still `sending` and looks the page up before resending.
   */
  async recordIntent(
    attempt: { dispatchId: string; channel: string; channelIndex: number; attempt: number; idempotencyKey: string },
    sms?: SmsAddressHashes,
  ): Promise<{ id: string; smsOptedOut: boolean }> {
    const id = randomUUID();
    const params: unknown[] = [id, attempt.dispatchId, attempt.channel, attempt.channelIndex, attempt.attempt, attempt.idempotencyKey];
    // An SMS page's consent is read (and a legacy digest rekeyed) in the same statement: one round trip per send.
    const consent = sms ? smsConsentSql(`$${params.push(sms.current)}`, `$${params.push(sms.legacy)}`) : undefined;
    const [row]: { opted_out: boolean }[] = await this.dataSource.query(
      `WITH "intent" AS (
         INSERT INTO "notification"."delivery_attempts" ("id", "dispatch_id", "channel", "channel_index", "attempt", "idempotency_key", "status")
         VALUES ($1, $2, $3, $4, $5, $6, 'sending')
       )${consent ? `, ${consent.rekeyed}` : ''}
       SELECT ${consent ? consent.optedOut : 'false'} AS "opted_out"`,
      params,
    );
    return { id, smsOptedOut: row.opted_out === true };
  }

  /** The dispatch's sends whose outcome was never learned, oldest first. */
  async unsettledAttempts(dispatchId: string): Promise<UnsettledAttempt[]> {
    const rows: { id: string; channel_index: number | null; attempted_at: Date }[] = await this.dataSource.query(
      `SELECT "id", "channel_index", "attempted_at" FROM "notification"."delivery_attempts"
       WHERE "dispatch_id" = $1 AND "status" IN ('sending', 'unknown') ORDER BY "attempted_at"`,
      [dispatchId],
    );
    return rows.map((row) => ({ id: row.id, channelIndex: row.channel_index, attemptedAt: row.attempted_at }));
  }

  /** Which of these provider references already record a send. */
  async knownProviderRefs(candidates: string[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const known: { provider_ref: string }[] = await this.dataSource.query(
      `SELECT "provider_ref" FROM "notification"."delivery_attempts" WHERE "provider_ref" = ANY($1)`,
      [candidates],
    );
    return new Set(known.map((row) => row.provider_ref));
  }

  /** An unconfirmed send that will be sent again: failed, with how that was decided. */
  async settleUnconfirmed(attemptId: string, reconciled: Exclude<Reconciliation, 'found'>): Promise<void> {
    await this.dataSource.query(
      `UPDATE "notification"."delivery_attempts" SET "status" = 'failed', "error" = COALESCE("error", 'interrupted'), "settled_at" = now(), "reconciled" = $2
       WHERE "id" = $1`,
      [attemptId, reconciled],
    );
  }

  /** An unconfirmed send found at the provider: sent, under the provider's reference. */
  async settleFound(manager: EntityManager, attemptId: string, providerRef: string): Promise<void> {
    await sendWithNextStatement(
      manager,
      `UPDATE "notification"."delivery_attempts" SET "status" = 'sent', "provider_ref" = $2, "settled_at" = now(), "reconciled" = 'found' WHERE "id" = $1`,
      [attemptId, providerRef],
    );
  }

  /** The outcome of a send. */
  async settleAttempt(manager: EntityManager, attemptId: string, status: AttemptStatus, providerRef: string | null, error: string | null): Promise<void> {
    await sendWithNextStatement(
      manager,
      `UPDATE "notification"."delivery_attempts" SET "status" = $2, "provider_ref" = $3, "error" = $4, "settled_at" = now() WHERE "id" = $1`,
      [attemptId, status, providerRef, error],
    );
  }

  /** A send the provider took: its attempt settled `sent` and the dispatch finished `sent`, in one statement. */
  async finishSent(manager: EntityManager, dispatchId: string, attemptId: string, providerRef: string | null): Promise<void> {
    await this.newPages.writeNow(manager);
    await sendWithNextStatement(
      manager,
      `WITH "attempt" AS (
         UPDATE "notification"."delivery_attempts" SET "status" = 'sent', "provider_ref" = $3, "error" = NULL, "settled_at" = now() WHERE "id" = $2 RETURNING 1
       )
       UPDATE "notification"."dispatches" SET "status" = 'sent', "text" = NULL, "lease_until" = NULL, "finished_at" = now() WHERE "id" = $1`,
      [dispatchId, attemptId, providerRef],
    );
  }

  /** An intent that made no send after all (the breaker turned it away): no attempt to keep. */
  async discardAttempt(manager: EntityManager, attemptId: string): Promise<void> {
    await sendWithNextStatement(manager, `DELETE FROM "notification"."delivery_attempts" WHERE "id" = $1`, [attemptId]);
  }
  /**
   * Forgets where finished pages went: dispatches finished before `cutoff` (at most `limit`) keep only their
   * channels' kinds. Returns how many; a row another transaction holds waits for the next run.
   */
  async purgeAddressesBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<number> {
    await this.newPages.writeNow(manager);
    const purged: unknown[] = await manager.query(
      `WITH due AS (
         SELECT "id" FROM "notification"."dispatches"
         WHERE "addresses_purged_at" IS NULL AND "finished_at" < $1 ORDER BY "finished_at" LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       , purged AS (
         UPDATE "notification"."dispatches" d
         SET "channels" = (SELECT COALESCE(jsonb_agg(jsonb_build_object('kind', c ->> 'kind')), '[]'::jsonb) FROM jsonb_array_elements(d."channels") c),
             "text" = NULL, "addresses_purged_at" = now()
         FROM due WHERE d."id" = due."id" RETURNING 1
       )
       SELECT 1 FROM purged`,
      [cutoff, limit],
    );
    return purged.length;
  }
}
