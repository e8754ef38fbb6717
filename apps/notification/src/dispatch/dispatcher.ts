import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import {
  AssignmentPaged, AssignmentUndeliverable, ChannelAddressV1, ChannelKind, STAFF_PAGE_KINDS, StaffPageFailed, StaffPageFailure, StaffPageKind,
} from '@harbor/contracts';
import { DrainLoop, OutboxWriter } from '@harbor/messaging';
import { onCommitRequesting } from '@harbor/persistence';
import { SpanKind } from '@opentelemetry/api';
import { harborTracer, inSpanFrom, markFailed, RepeatedFailureLog, ServiceMetrics } from '@harbor/observability';
import { LOGGER } from '@harbor/service-runtime';
import { ChannelRegistry } from '../channels/channel-registry';
import { ChannelFailedError, PageReceipt, PageRequest, ProviderUnavailableError } from '../channels/page-channel';
import { ResilientSender } from '../channels/resilient-sender';
import { DispatchSettings, SmsHashKeys } from '../notification.settings';
import { OfferStore } from '../offers/offer-store';
import { ReleasedContacts } from '../offers/released-contacts';
import { smsAddressHashes } from './address-hash';
import { FailureClass, nextStep } from './dispatch-policy';
import { DISPATCH_CHANNEL, DISPATCH_QUEUED, requestDispatch } from './dispatch-queue';
import { ClaimedDispatch, DispatchStore, PendingPages, UnsettledAttempt } from './dispatch-store';

type SendResult = { ok: true; receipt: PageReceipt } | { ok: false; error: ChannelFailedError };

/** What reconciling unsettled sends found: the page is at the provider, a failure to act on, or nothing (send). */
type Reconciled = { found: true; attempt: UnsettledAttempt; providerRef: string; channelIndex: number } | { found: false; failure?: ChannelFailedError };

const BATCH = 10;
/** Expired released contacts are deleted at most this often (retention is counted in hours). */
const PURGE_INTERVAL_MS = 60_000;
/** A page whose work failed unexpectedly (a database error) is tried again this much later; not at once, so a bug cannot spin. */
const RETRY_AFTER_UNEXPECTED_MS = 1000;
/** Failures kept per dispatch (a long outage would otherwise grow the list without bound); the newest are kept. */
const MAX_FAILURES_KEPT = 20;

/**
 * Works the dispatches (DispatchStore) outside any consumer transaction: claims due rows with a lease (SKIP LOCKED, so
 * replicas share the work and a crashed worker's rows come back when the lease ends), records the intent,
 * calls the provider through its circuit breaker, then records the outcome and decides: done, retry later,
 * next channel, wait for the provider, or give up (only when every channel refused: an offer becomes
 * AssignmentUndeliverable, a staff page StaffPageFailed). A send whose outcome was never recorded (crash,
 * timeout) is looked up at the provider before anything is sent again. Woken when a transaction that queued
 * work commits (NOTIFY for writers outside a transaction) and when a provider's breaker closes; a short poll
 * picks up retries that become due.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: DrainLoop;
  private readonly sent: Counter;
  private readonly sendFailures: Counter<'channel' | 'outcome'>;
  private readonly pageSeconds: Histogram;
  private readonly staffPagesFailed: Counter<'kind' | 'reason'>;
  private readonly tracer = harborTracer('notification');
  private lastPurge = 0;

  /** Drains that keep failing through an outage log once, then every 30 s, then once when they work again. */
  private readonly failures: RepeatedFailureLog;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly store: DispatchStore,
    private readonly offers: OfferStore,
    private readonly contacts: ReleasedContacts,
    private readonly channels: ChannelRegistry,
    private readonly sender: ResilientSender,
    private readonly outbox: OutboxWriter,
    private readonly settings: DispatchSettings,
    private readonly smsHashKeys: SmsHashKeys,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.failures = new RepeatedFailureLog(logger, 'dispatcher');
    this.loop = new DrainLoop(
      { name: 'notification-dispatcher', databaseUrl: settings.databaseUrl, channel: DISPATCH_CHANNEL, fallbackPollMs: settings.pollMs, work: () => this.drain() },
      logger,
    );
    // Pages sent carry no channel label: staff pages (escalations) and offers would be told apart by channel.
    // Everything else does, so ops can see which provider is in trouble.
    this.sent = new Counter({
      name: 'harbor_notification_pages_sent_total',
      help: 'Pages (offers, reminders, staff pages together) a provider accepted.',
      registers: [metrics.registry],
    });
    this.sendFailures = new Counter({
      name: 'harbor_notification_send_failures_total',
      help: 'Sends that did not simply succeed, by channel kind and what followed: retry, next_channel, provider_wait (provider down: the page waits), '
        + 'gave_up, found_at_provider (an unconfirmed send was found, not sent again), resent_unconfirmed (could not be looked up: sent again under the same idempotency key).',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
    this.pageSeconds = new Histogram({
      name: 'harbor_notification_page_seconds',
      help: 'From the page being queued to a provider accepting it (all channels together).',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [metrics.registry],
    });
    this.staffPagesFailed = new Counter({
      name: 'harbor_notification_staff_pages_failed_total',
      help: 'Staff pages (coordinator escalations, follow-up reminders) given up: every channel refused, or the deadline passed. Alert on any increase.',
      labelNames: ['kind', 'reason'],
      registers: [metrics.registry],
    });
    // Both gauges read one query per scrape.
    let cached: { at: number; rows: Promise<PendingPages[]> } | undefined;
    const pending = () => {
      if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), rows: this.pendingPages() };
      return cached.rows;
    };
    const gauges: [string, string, (row: PendingPages) => number][] = [
      ['harbor_notification_oldest_pending_page_seconds', 'Age of the oldest page not yet delivered, by dispatch kind: alert when staff pages wait for minutes.',
        (row) => row.oldestSeconds],
      ['harbor_notification_pages_waiting_on_provider', 'Pages not yet delivered because their providers failed or are unavailable (circuit open), by dispatch kind.',
        (row) => row.waiting],
    ];
    for (const [name, help, value] of gauges) {
      new Gauge({
        name, help, labelNames: ['kind'], registers: [metrics.registry],
        async collect() {
          this.reset();
          for (const row of await pending()) this.set({ kind: row.kind }, value(row));
        },
      });
    }
    // All kinds together: a count per kind would count escalations in flight.
    new Gauge({
      name: 'harbor_notification_pages_pending',
      help: 'Pages queued and not yet delivered or given up, all kinds together (0 when none).',
      registers: [metrics.registry],
      async collect() {
        this.set((await pending()).reduce((total, row) => total + row.pending, 0));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    onCommitRequesting(this.dataSource, DISPATCH_QUEUED, () => this.wake());
    this.sender.onClose((provider) => void this.wakePagesWaitingFor(provider));
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
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error);
    }
  }

  /** A lease outlasts a provider call and the record of its outcome; a crashed worker's rows come back when it ends. */
  private async claim(): Promise<ClaimedDispatch[]> {
    return this.store.claim(this.settings.providerTimeoutMs * 2 + 5000, BATCH);
  }

  private async work(row: ClaimedDispatch): Promise<void> {
    try {
      // An offer answered, closed or unknown is not paged (its status came with the claim).
      if (row.kind === 'offer-page' && row.offerStatus !== 'open') {
        await this.store.finish(this.dataSource, { id: row.id }, 'cancelled');
        return;
      }
      const address = row.channels[row.channelIndex];
      // Before anything else: a send never confirmed may have been delivered (then the deadline does not matter).
      const reconciled: Reconciled = row.unsettled ? await this.reconcile(row) : { found: false };
      if (reconciled.found) {
        await this.dataSource.transaction((manager) => this.recordFound(manager, row, reconciled));
        return;
      }
      if (row.deliverBy && new Date(row.deliverBy).getTime() <= Date.now()) {
        await this.dataSource.transaction((manager) => this.giveUp(manager, row, row.failures, 'deadline'));
        return;
      }
      if (reconciled.failure) {
        await this.dataSource.transaction((manager) => this.settle(manager, row, address, undefined, { ok: false, error: reconciled.failure! }));
        return;
      }
      const waitMs = this.sender.unavailableForMs(address.kind);
      if (waitMs > 0) {
        // The provider is down for now: no send, no attempt spent; wait for its trial or switch provider.
        const error = new ProviderUnavailableError(address.kind, 'circuit-open', waitMs);
        await this.dataSource.transaction((manager) => this.settle(manager, row, address, undefined, { ok: false, error }));
        return;
      }
      const { id: attemptId, smsOptedOut } = await this.recordIntent(row, address);
      // The provider call continues the trace of the record that queued the page. Only kinds and counts: no address, no text.
      const hop = { name: `send ${row.kind}`, kind: SpanKind.CLIENT, attributes: { 'harbor.channel': address.kind, 'harbor.dispatch.attempt': row.attempt } };
      const result = await inSpanFrom(this.tracer, row.traceparent ?? undefined, hop, async (span) => {
        const sent = await this.send(row, address, smsOptedOut);
        if (!sent.ok) markFailed(span, sent.error);
        return sent;
      });
      await this.dataSource.transaction((manager) => this.settle(manager, row, address, attemptId, result));
    } catch (error) {
      this.logger.error({ dispatchId: row.id, err: (error as Error).message }, 'dispatch failed unexpectedly');
      await this.release(row);
    }
  }

  /**
   * This worker has let go of the row: end its lease so the page is tried again shortly, instead of after the
   * whole lease (found by the chaos tier: a lost database connection held pages 15 s). An intent left unsettled
   * is reconciled first, as after a crash. When the database is still unreachable the lease simply runs out.
   */
  private async release(row: ClaimedDispatch): Promise<void> {
    await this.store.release(row.id, RETRY_AFTER_UNEXPECTED_MS).catch(() => undefined);
  }

  private idempotencyKey(row: ClaimedDispatch, address: ChannelAddressV1): string {
    return `${row.refId}:${row.kind === 'offer-page' || row.kind === 'staff-page' ? address.kind : row.kind}`;
  }

  private pageRequest(row: ClaimedDispatch, address: ChannelAddressV1): PageRequest {
    return { address: address.address, text: row.text ?? '', idempotencyKey: this.idempotencyKey(row, address), refId: row.refId };
  }

  /**
   * The intent, committed before the provider is called: if this process dies between the call and its
   * record, the next worker finds the attempt still `sending` and looks the page up before resending. For an SMS
   * page the same statement reads the number's consent.
   */
  private async recordIntent(row: ClaimedDispatch, address: ChannelAddressV1): Promise<{ id: string; smsOptedOut: boolean }> {
    const attempt = { dispatchId: row.id, channel: address.kind, channelIndex: row.channelIndex, attempt: row.attempt, idempotencyKey: this.idempotencyKey(row, address) };
    return this.store.recordIntent(attempt, address.kind === 'sms' ? smsAddressHashes(this.smsHashKeys, address.address) : undefined);
  }

  private async send(row: ClaimedDispatch, address: ChannelAddressV1, smsOptedOut: boolean): Promise<SendResult> {
    try {
      if (row.kind === 'pagerduty-acknowledge' || row.kind === 'pagerduty-resolve') {
        const pagerDuty = this.channels.pagerDuty;
        if (!pagerDuty) throw new ChannelFailedError('pagerduty', 'not-configured', false);
        const action = row.kind === 'pagerduty-acknowledge' ? 'acknowledge' : 'resolve';
        return { ok: true, receipt: await this.sender.call('pagerduty', () => pagerDuty.event(action, row.refId, address.address)) };
      }
      if (address.kind === 'sms' && smsOptedOut) throw new ChannelFailedError('sms', 'opted-out', false);
      const channel = this.channels.channelFor(address.kind);
      const request = this.pageRequest(row, address);
      return { ok: true, receipt: await this.sender.call(address.kind, () => channel.send(request)) };
    } catch (error) {
      return { ok: false, error: error instanceof ChannelFailedError ? error : new ChannelFailedError(address.kind, 'unexpected-error') };
    }
  }

  /**
   * Settles sends whose outcome Harbor never learned, before sending anything again. Twilio is asked (its
   * Messages list); PagerDuty needs no lookup (a second trigger with the same dedup_key joins the same
   * incident); WCTP and SMTP offer no lookup by Harbor's message id, so they are sent again under the same
   * messageID / Message-ID (docs/notification.md, "Crash between call and record").
   */
  private async reconcile(row: ClaimedDispatch): Promise<Reconciled> {
    const unsettled = await this.store.unsettledAttempts(row.id);
    for (const attempt of unsettled) {
      const channelIndex = attempt.channelIndex ?? row.channelIndex;
      const address = row.channels[channelIndex];
      const channel = row.kind === 'offer-page' || row.kind === 'staff-page' ? this.channels.channelFor(address.kind) : undefined;
      const log = { dispatchId: row.id, kind: row.kind, refId: row.refId, channel: address.kind };
      if (!channel?.lookup) {
        await this.store.settleUnconfirmed(attempt.id, 'not-looked-up');
        this.sendFailures.inc({ channel: address.kind, outcome: 'resent_unconfirmed' });
        this.logger.warn(log, 'a send was never confirmed and this provider cannot be asked; sending again under the same idempotency key');
        continue;
      }
      const onCurrentChannel = channelIndex === row.channelIndex;
      const waitMs = this.sender.unavailableForMs(address.kind);
      if (waitMs > 0) {
        if (onCurrentChannel) return { found: false, failure: new ProviderUnavailableError(address.kind, 'circuit-open', waitMs) };
        continue;
      }
      let candidates: string[];
      try {
        candidates = await channel.lookup({ request: this.pageRequest(row, address), since: new Date(attempt.attemptedAt) });
      } catch (error) {
        const failure = error instanceof ChannelFailedError ? error : new ChannelFailedError(address.kind, 'unexpected-error');
        if (!failure.retryable) {
          // The provider will not answer lookups (e.g. no permission to list): send again rather than never.
          await this.store.settleUnconfirmed(attempt.id, 'lookup-refused');
          this.sendFailures.inc({ channel: address.kind, outcome: 'resent_unconfirmed' });
          this.logger.warn({ ...log, reason: failure.reason }, 'an unconfirmed send could not be looked up; sending again');
          continue;
        }
        if (onCurrentChannel) return { found: false, failure: new ChannelFailedError(address.kind, `lookup-${failure.reason}`.slice(0, 60), true, failure.retryAfterMs) };
        continue;
      }
      const providerRef = await this.firstUnknownRef(candidates);
      if (providerRef) return { found: true, attempt, providerRef, channelIndex };
      await this.store.settleUnconfirmed(attempt.id, 'absent');
      this.logger.info(log, 'an unconfirmed send is not at the provider; sending it');
    }
    return { found: false };
  }

  /** The first of the provider's matching messages that is not already the record of another send. */
  private async firstUnknownRef(candidates: string[]): Promise<string | undefined> {
    const taken = await this.store.knownProviderRefs(candidates);
    return candidates.find((candidate) => !taken.has(candidate));
  }

  /** The page was at the provider after all: record it as sent, send nothing. */
  private async recordFound(manager: EntityManager, row: ClaimedDispatch, found: Extract<Reconciled, { found: true }>): Promise<void> {
    const address = row.channels[found.channelIndex];
    await this.store.settleFound(manager, found.attempt.id, found.providerRef);
    this.sendFailures.inc({ channel: address.kind, outcome: 'found_at_provider' });
    this.logger.info({ dispatchId: row.id, kind: row.kind, refId: row.refId, channel: address.kind }, 'an unconfirmed send was found at the provider; not sending again');
    await this.delivered(manager, row, address);
  }

  /** `sent`: the attempt this worker just made, settled in the same statement that finishes the dispatch. */
  private async delivered(manager: EntityManager, row: ClaimedDispatch, address: ChannelAddressV1, sent?: { attemptId: string; providerRef: string | null }): Promise<void> {
    if (sent) await this.store.finishSent(manager, row.id, sent.attemptId, sent.providerRef);
    else await this.store.finish(manager, { id: row.id }, 'sent');
    this.pageSeconds.observe((Date.now() - new Date(row.createdAt).getTime()) / 1000);
    if (row.kind === 'offer-page') {
      await this.outbox.enqueue(manager, AssignmentPaged, {
        assignmentId: row.refId, caseId: row.caseId, supporterId: row.recipientId, channel: address.kind, pagedAt: new Date().toISOString(),
      });
    }
  }

  private async settle(manager: EntityManager, row: ClaimedDispatch, address: ChannelAddressV1, attemptId: string | undefined, result: SendResult): Promise<void> {
    if (attemptId && !result.ok && result.error instanceof ProviderUnavailableError) {
      // The breaker turned the send away (another send is its half-open trial): nothing was sent, so no attempt either.
      await this.store.discardAttempt(manager, attemptId);
    } else if (attemptId && !result.ok) {
      await this.store.settleAttempt(manager, attemptId, result.error.ambiguous ? 'unknown' : 'failed', null, result.error.reason);
    }
    const log = { dispatchId: row.id, kind: row.kind, refId: row.refId, channel: address.kind, attempt: row.attempt };
    if (result.ok) {
      await this.delivered(manager, row, address, attemptId ? { attemptId, providerRef: result.receipt.providerRef ?? null } : undefined);
      this.sent.inc();
      this.logger.info(log, 'page sent');
      return;
    }
    const error = result.error;
    const failureClass: FailureClass = error instanceof ProviderUnavailableError ? 'unavailable' : error.retryable ? 'retryable' : 'refused';
    // A page that met an unavailable provider made no send: that attempt is not counted.
    const attempt = failureClass === 'unavailable' ? row.attempt - 1 : row.attempt;
    const step = nextStep(
      { channelKinds: row.channels.map((channel) => channel.kind), channelIndex: row.channelIndex, attempt, round: row.round, refused: row.refused },
      { class: failureClass, retryAfterMs: error.retryAfterMs },
      this.settings.policy,
      (kind) => this.sender.unavailableForMs(kind as ChannelKind),
    );
    const providerTrouble = failureClass !== 'refused';
    if (step.action === 'retry') {
      await this.store.retryLater(manager, row.id, step.delayMs);
      this.sendFailures.inc({ channel: address.kind, outcome: 'retry' });
      this.logger.warn({ ...log, reason: error.reason, delayMs: step.delayMs }, 'send failed; retrying the same channel');
      return;
    }
    const failures = [...row.failures, `${address.kind}: ${error.reason}`].slice(-MAX_FAILURES_KEPT);
    if (step.action === 'give-up') {
      await this.giveUp(manager, row, failures, 'refused', step.refused);
      this.logger.error({ ...log, failures }, 'every channel refused the page');
      return;
    }
    const delayMs = step.action === 'wait' ? step.delayMs : 0;
    await this.store.moveOn(manager, row.id, {
      channelIndex: step.channelIndex, round: step.action === 'wait' ? step.round : row.round, refused: step.refused, failures, delayMs,
      waiting: providerTrouble || step.action === 'wait',
    });
    if (step.action === 'switch') {
      await requestDispatch(manager);
      this.sendFailures.inc({ channel: address.kind, outcome: 'next_channel' });
      this.logger.warn({ ...log, reason: error.reason, next: row.channels[step.channelIndex].kind }, 'send failed; trying the next channel');
      return;
    }
    this.sendFailures.inc({ channel: address.kind, outcome: 'provider_wait' });
    this.logger.warn({ ...log, reason: error.reason, delayMs, round: step.round }, 'no channel can be tried now; the page waits for its provider');
  }

  /**
   * Ends a page that cannot be delivered. An offer page only ever ends here because every channel refused
   * (a provider outage never does): the offer becomes undeliverable and matching moves on. A staff page ends
   * here when every channel refused or its deadline passed: StaffPageFailed, the counter an alert watches,
   * and the staff API.
   */
  private async giveUp(manager: EntityManager, row: ClaimedDispatch, failures: string[], because: StaffPageFailure, refused?: number[]): Promise<void> {
    await this.store.giveUp(manager, row.id, failures, because, refused);
    const channel = row.channels[row.channelIndex]?.kind ?? 'console';
    this.sendFailures.inc({ channel, outcome: 'gave_up' });
    const log = { dispatchId: row.id, kind: row.kind, refId: row.refId, because };
    if (row.kind === 'offer-page') {
      if (await this.offers.markUndeliverable(manager, row.refId)) {
        await this.outbox.enqueue(manager, AssignmentUndeliverable, {
          assignmentId: row.refId, caseId: row.caseId, supporterId: row.recipientId, failures, failedAt: new Date().toISOString(),
        });
        this.logger.error({ ...log, failures }, 'assignment reported undeliverable');
      }
      return;
    }
    if (row.kind === 'staff-page') {
      // Rows queued before page kinds were recorded are taken as escalations, the kind that matters most.
      const kind: StaffPageKind = row.pageKind && STAFF_PAGE_KINDS.includes(row.pageKind) ? row.pageKind : 'coordinator-escalation';
      await this.outbox.enqueue(manager, StaffPageFailed, {
        pageId: row.refId, kind, caseId: row.caseId, recipientId: row.recipientId, reason: because,
        failures: failures.length > 0 ? failures : [`${channel}: ${because}`], failedAt: new Date().toISOString(),
      });
      this.staffPagesFailed.inc({ kind, reason: because });
      this.logger.error({ ...log, pageKind: kind, failures }, 'staff page failed on every channel; StaffPageFailed emitted');
      return;
    }
    this.logger.error({ ...log, failures }, 'PagerDuty follow-up given up');
  }

  /** A provider's breaker closed (its trial succeeded): pages waiting for it go now rather than at their next wait. */
  private async wakePagesWaitingFor(provider: ChannelKind): Promise<void> {
    try {
      await this.store.resumeWaitingFor(provider);
      this.logger.info({ provider }, 'provider available again; waiting pages resume');
      this.wake();
    } catch (error) {
      this.logger.warn({ provider, err: (error as Error).message }, 'could not resume waiting pages; they resume at their next retry');
    }
  }

  private async pendingPages(): Promise<PendingPages[]> {
    try {
      return await this.store.pendingByKind();
    } catch {
      return []; // the database is unreachable: readiness reports it; the scrape still answers
    }
  }


  /** Throttled like the outbox relay's cleanup: drains run every poll and after every page, on every replica. */
  private async purgeReleasedContacts(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    await this.contacts.purgeExpired();
  }
}
