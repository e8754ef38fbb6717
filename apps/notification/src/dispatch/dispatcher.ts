import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { AssignmentUndeliverable, ChannelAddressV1 } from '@harbor/contracts';
import { DrainLoop, onCommitRequesting, OutboxWriter } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER, SERVICE_ENV } from '@harbor/service-runtime';
import { ChannelRegistry } from '../channels/channel-registry';
import { ChannelFailedError, PageReceipt } from '../channels/page-channel';
import { ResilientSender } from '../channels/resilient-sender';
import { NotificationEnv } from '../notification.env';
import { smsAddressHash } from './address-hash';
import { nextStep } from './dispatch-policy';
import { DISPATCH_CHANNEL, DISPATCH_QUEUED, DispatchKind, requestDispatch } from './dispatch-queue';
import { finishDispatch } from './finish-dispatch';

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
  failures: string[];
  created_at: Date;
  /** The offer's status for an offer page, read when the row was claimed; null for other kinds (or no offer). */
  offer_status: string | null;
}

type SendResult = { ok: true; receipt: PageReceipt } | { ok: false; error: ChannelFailedError };

const BATCH = 10;
/** Expired released contacts are deleted at most this often (retention is counted in hours). */
const PURGE_INTERVAL_MS = 60_000;

/**
 * Works the dispatches table outside any consumer transaction: claims due rows with a lease (SKIP LOCKED, so
 * replicas share the work and a crashed worker's rows come back when the lease ends), calls the provider
 * through its circuit breaker, then records the attempt and decides: done, retry later, next channel, or give
 * up (an offer becomes AssignmentUndeliverable). Woken when a transaction that queued work commits (NOTIFY
 * for writers outside a transaction); a short poll picks up retries that become due.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: DrainLoop;
  private readonly sent: Counter;
  private readonly sendFailures: Counter<'channel' | 'outcome'>;
  private readonly pageSeconds: Histogram;
  private lastPurge = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly channels: ChannelRegistry,
    private readonly sender: ResilientSender,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.loop = new DrainLoop(
      { name: 'notification-dispatcher', databaseUrl: env.DATABASE_URL, channel: DISPATCH_CHANNEL, fallbackPollMs: env.NOTIFY_DISPATCH_POLL_MS, work: () => this.drain() },
      logger,
    );
    // Pages sent carry no channel label: staff pages (escalations) and offers would be told apart by channel.
    // Failures do, so ops can see which provider is in trouble.
    this.sent = new Counter({
      name: 'harbor_notification_pages_sent_total',
      help: 'Pages (offers, reminders, staff pages together) a provider accepted.',
      registers: [metrics.registry],
    });
    this.sendFailures = new Counter({
      name: 'harbor_notification_send_failures_total',
      help: 'Failed provider sends, by channel kind and what followed (retry, next_channel, gave_up).',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
    this.pageSeconds = new Histogram({
      name: 'harbor_notification_page_seconds',
      help: 'From the page being queued to a provider accepting it (all channels together).',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    onCommitRequesting(this.dataSource, DISPATCH_QUEUED, () => this.wake());
    await this.loop.start();
    this.logger.info({ channels: this.channels.configuredKinds() }, 'dispatcher started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    this.sender.shutdown();
  }

  wake(): void {
    this.loop.wake();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.loop.isStopped) {
        const rows = await this.claim();
        if (rows.length === 0) break;
        await Promise.all(rows.map((row) => this.work(row)));
        if (rows.length < BATCH) break;
      }
      await this.purgeReleasedContacts();
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'dispatcher failed; will retry');
    }
  }

  private async claim(): Promise<DispatchRow[]> {
    const leaseMs = this.env.NOTIFY_PROVIDER_TIMEOUT_MS * 2 + 5000;
    return this.dataSource.query(
      `WITH "claimed" AS (
         UPDATE "notification"."dispatches" SET "lease_until" = now() + make_interval(secs => $1::float8 / 1000), "attempt" = "attempt" + 1
         WHERE "id" IN (SELECT "id" FROM "notification"."dispatches"
                        WHERE "status" = 'pending' AND "due_at" <= now() AND ("lease_until" IS NULL OR "lease_until" < now())
                        ORDER BY "due_at" LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT "claimed".*, "offer"."status" AS "offer_status" FROM "claimed"
       LEFT JOIN "notification"."offers" "offer" ON "claimed"."kind" = 'offer-page' AND "offer"."assignment_id" = "claimed"."ref_id"`,
      [leaseMs, BATCH],
    );
  }

  private async work(row: DispatchRow): Promise<void> {
    try {
      if (row.kind === 'offer-page' && row.offer_status !== 'open') {
        await finishDispatch(this.dataSource, { id: row.id }, 'cancelled');
        return;
      }
      const address = row.channels[row.channel_index];
      const idempotencyKey = `${row.ref_id}:${row.kind === 'offer-page' || row.kind === 'staff-page' ? address.kind : row.kind}`;
      const result = await this.send(row, address, idempotencyKey);
      await this.dataSource.transaction((manager) => this.record(manager, row, address, idempotencyKey, result));
    } catch (error) {
      // The lease runs out and the row is claimed again.
      this.logger.error({ dispatchId: row.id, err: (error as Error).message }, 'dispatch failed unexpectedly');
    }
  }

  private async send(row: DispatchRow, address: ChannelAddressV1, idempotencyKey: string): Promise<SendResult> {
    try {
      if (row.kind === 'pagerduty-acknowledge' || row.kind === 'pagerduty-resolve') {
        const pagerDuty = this.channels.pagerDuty;
        if (!pagerDuty) throw new ChannelFailedError('pagerduty', 'not-configured', false);
        const action = row.kind === 'pagerduty-acknowledge' ? 'acknowledge' : 'resolve';
        return { ok: true, receipt: await this.sender.call('pagerduty', () => pagerDuty.event(action, row.ref_id, address.address)) };
      }
      if (address.kind === 'sms' && (await this.optedOut(address.address))) throw new ChannelFailedError('sms', 'opted-out', false);
      const channel = this.channels.channelFor(address.kind);
      const request = { address: address.address, text: row.text ?? '', idempotencyKey, refId: row.ref_id };
      return { ok: true, receipt: await this.sender.call(address.kind, () => channel.send(request)) };
    } catch (error) {
      return { ok: false, error: error instanceof ChannelFailedError ? error : new ChannelFailedError(address.kind, 'unexpected-error') };
    }
  }

  private async record(manager: EntityManager, row: DispatchRow, address: ChannelAddressV1, idempotencyKey: string, result: SendResult): Promise<void> {
    await manager.query(
      `INSERT INTO "notification"."delivery_attempts" ("id", "dispatch_id", "channel", "attempt", "idempotency_key", "status", "provider_ref", "error")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [randomUUID(), row.id, address.kind, row.attempt, idempotencyKey, result.ok ? 'sent' : 'failed', result.ok ? result.receipt.providerRef ?? null : null,
        result.ok ? null : result.error.reason],
    );
    const log = { dispatchId: row.id, kind: row.kind, refId: row.ref_id, channel: address.kind, attempt: row.attempt };
    if (result.ok) {
      await finishDispatch(manager, { id: row.id }, 'sent');
      this.sent.inc();
      this.pageSeconds.observe((Date.now() - new Date(row.created_at).getTime()) / 1000);
      this.logger.info(log, 'page sent');
      return;
    }
    const step = nextStep(
      { attempt: row.attempt, retryable: result.error.retryable, retryAfterMs: result.error.retryAfterMs, channelIndex: row.channel_index, channelCount: row.channels.length },
      { attemptsPerChannel: this.env.NOTIFY_SEND_ATTEMPTS, baseDelayMs: this.env.NOTIFY_RETRY_BASE_MS, maxDelayMs: this.env.NOTIFY_RETRY_MAX_MS },
    );
    const failure = `${address.kind}: ${result.error.reason}`;
    if (step.action === 'retry') {
      await manager.query(
        `UPDATE "notification"."dispatches" SET "due_at" = now() + make_interval(secs => $2::float8 / 1000), "lease_until" = NULL WHERE "id" = $1`,
        [row.id, step.delayMs],
      );
      this.sendFailures.inc({ channel: address.kind, outcome: 'retry' });
      this.logger.warn({ ...log, reason: result.error.reason, delayMs: step.delayMs }, 'send failed; retrying the same channel');
      return;
    }
    const failures = [...row.failures, failure];
    if (step.action === 'next-channel') {
      await manager.query(
        `UPDATE "notification"."dispatches" SET "channel_index" = "channel_index" + 1, "attempt" = 0, "due_at" = now(), "lease_until" = NULL,
           "failures" = $2 WHERE "id" = $1`,
        [row.id, JSON.stringify(failures)],
      );
      await requestDispatch(manager);
      this.sendFailures.inc({ channel: address.kind, outcome: 'next_channel' });
      this.logger.warn({ ...log, reason: result.error.reason }, 'send failed; trying the next channel');
      return;
    }
    await finishDispatch(manager, { id: row.id }, 'failed', failures);
    this.sendFailures.inc({ channel: address.kind, outcome: 'gave_up' });
    if (row.kind === 'offer-page') {
      const closed: unknown[] = await manager.query(
        `UPDATE "notification"."offers" SET "status" = 'undeliverable' WHERE "assignment_id" = $1 AND "status" = 'open' RETURNING 1`,
        [row.ref_id],
      );
      if (closed.length > 0) {
        await this.outbox.enqueue(manager, AssignmentUndeliverable, {
          assignmentId: row.ref_id, caseId: row.case_id, supporterId: row.recipient_id, failures, failedAt: new Date().toISOString(),
        });
      }
      this.logger.error({ ...log, failures }, 'every channel failed; assignment reported undeliverable');
    } else {
      this.logger.error({ ...log, failures }, 'every channel failed');
    }
  }

  private async optedOut(phone: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "notification"."sms_opt_outs" WHERE "address_hash" = $1`,
      [smsAddressHash(this.env.NOTIFY_LINK_SECRET, phone)],
    );
    return rows.length > 0;
  }

  /** Throttled like the outbox relay's cleanup: drains run every poll and after every page, on every replica. */
  private async purgeReleasedContacts(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    await this.dataSource.query(`DELETE FROM "notification"."released_contacts" WHERE "delete_after" < now()`);
  }
}
