import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { SpanKind } from '@opentelemetry/api';
import { acceptedCorrelationId, harborTracer, HopSpan, inSpanFrom, runWithContext, ServiceMetrics } from '@harbor/observability';
import { decodeUntrustedJson, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_VALUES, UntrustedJsonError } from '@harbor/input';
import { HEADER, readHeaders, StringHeaders } from './envelope';
import { MalformedMessageError, UnknownEventTypeError, UnstorableRecordError } from './errors';
import { classifyDatabaseError } from '@harbor/persistence';
import { deadLetterHeaders, inboundDeadLetter } from './dead-letter';
import { decideAfterFailure, RetryPolicy } from './retry-policy';
import { TopicNames } from './topic-names';
import { consumerTiming, leaveGroupFor } from './kafka-connection';
import { ConsumerMembers } from './consumer-members';
import { ConsumerRestartPolicy } from './consumer-restarts';
import { asCommitRequest, PartitionOffset, PendingOffsetCommits } from './offset-commits';
import { EventDefinition, validateEventPayload, versionedType } from '@harbor/contracts';

/** A consumed event after its envelope and payload passed validation. */
export interface InboundEvent<P> {
  id: string;
  type: string;
  payload: P;
  key?: string;
  topic: string;
  headers: StringHeaders;
}

export interface EventHandler<P extends object = object> {
  definition: EventDefinition<P>;
  /** Runs inside the transaction that also records the event as processed. */
  handle(event: InboundEvent<P>, manager: EntityManager): Promise<void>;
}

export interface Subscription {
  /** Topic name before the deployment prefix. */
  topic: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of different payload types share one list
  handlers: EventHandler<any>[];
  /** Hospital systems publish plain JSON without CloudEvents headers: such records are read as this type. */
  typeWhenAbsent?: string;
  /**
   * Records applied together in one transaction (one commit instead of one per record). Use 1 for
   * handlers with effects outside the database, which a rolled-back batch would repeat.
   */
  batchSize?: number;
}

export interface EventConsumerOptions {
  /** The Kafka consumer group (with the deployment's prefix). */
  groupId: string;
  /**
   * Who consumed, in the processed-messages table: `harbor-<service>`, without the prefix, so a change of
   * group name (or prefix) replays into events already recorded instead of applying them again.
   */
  consumerName?: string;
  schema: string;
  subscriptions: Subscription[];
  retry: RetryPolicy;
  topics: TopicNames;
  partitionsConsumedConcurrently?: number;
  /** See consumerTiming: bounds how long partitions of a dead member wait. */
  sessionTimeoutMs?: number;
  /** Applied offsets are committed to the group at most this often (KAFKA_OFFSET_COMMIT_INTERVAL_MS); 0 after every chunk. */
  offsetCommitIntervalMs?: number;
  /**
   * The broker holds a fetch until this much is waiting or the fetch wait (the heartbeat interval) has passed
   * (KAFKA_FETCH_MIN_BYTES): bigger batches, later records. 1 returns every record at once.
   */
  fetchMinBytes?: number;
  /** Says what a kafkajs error means for this deployment (which setting or ACL to check). */
  explain?: (error: unknown) => string;
  /** The consumer stopped and will not restart by itself (e.g. an ACL denial): the process must go. */
  onFatal?: (reason: string) => void;
  /**
   * This instance's stable name (host and HTTP port): its member id is recorded on joining, and the next process
   * under the same name takes that member out of the group before joining, instead of waiting for its session.
   */
  instanceKey?: string;
}

/**
 * Where the consumer stands, for readiness: `starting` until the group is first joined, `rejoining` while
 * kafkajs restarts it after a retriable crash (a broker outage), `crashed` when it will not restart.
 */
export type ConsumerState = 'starting' | 'joined' | 'rejoining' | 'crashed' | 'stopped';

/** Applied offsets reach the group at most this long after their records' transactions committed. */
export const DEFAULT_OFFSET_COMMIT_INTERVAL_MS = 1_000;

/** How long stop() lets a group join in progress finish before disconnecting anyway. */
const STOP_WAITS_FOR_JOIN_MS = 10_000;
const STOP_WAITS_FOR_DISCONNECT_MS = 10_000;
/** A broker that does not answer must not hold up shutdown: uncommitted offsets only mean redelivery. */
const STOP_WAITS_FOR_OFFSET_COMMIT_MS = 3_000;

type Outcome = 'processed' | 'duplicate';

interface TopicRoute {
  byType: Map<string, EventHandler>;
  typeWhenAbsent?: string;
  batchSize: number;
  deadLetterTopic: string;
  /** Set when the topic carries a hospital system's records (an inbound definition), whatever a record's type. */
  inbound?: EventDefinition;
}

interface RecordInPartition {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
}

interface PreparedRecord {
  handler: EventHandler;
  event: InboundEvent<object>;
  context: { correlationId: string; traceparent?: string };
}

/**
 * Consumes with exactly-once effect: each record's state change and its processed-message row commit in
 * one transaction, and the offset is committed only after that. Transient failures retry with backoff;
 * permanent ones, and transient ones past the budget, go to `<topic>.dlq` so the partition moves on.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private starting?: Promise<void>;
  private restartTimer?: NodeJS.Timeout;
  private readonly restarts = new ConsumerRestartPolicy();
  private stopping = false;
  private current: ConsumerState = 'starting';
  private readonly timing: ReturnType<typeof consumerTiming>;
  private readonly handlersByTopic = new Map<string, TopicRoute>();
  private readonly tracer;

  private readonly members: ConsumerMembers;
  /** The member id of the last join, so a crash can leave it behind cleanly. */
  private memberId?: string;
  private leftOnBehalfOf?: string;
  private readonly offsets: PendingOffsetCommits;
  private offsetFlushTimer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();
  /**
   * The consumer group's own commit, from the last batch's payload. Used for commits outside a batch too: unlike
   * `consumer.commitOffsets` it neither retries a refusal for a minute (a rebalance refuses every commit of the old
   * generation) nor drops the offsets silently once the consumer is stopping.
   */
  private groupCommit?: (offsets: PartitionOffset[]) => Promise<unknown>;

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly deadLetterProducer: Producer,
    private readonly options: EventConsumerOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.members = new ConsumerMembers(dataSource, options.schema);
    for (const subscription of options.subscriptions) {
      const byType = new Map(subscription.handlers.map((handler) => [versionedType(handler.definition), handler] as const));
      this.handlersByTopic.set(options.topics.name(subscription.topic), {
        byType,
        typeWhenAbsent: subscription.typeWhenAbsent,
        batchSize: Math.max(1, subscription.batchSize ?? 1),
        deadLetterTopic: options.topics.deadLetter(subscription.topic),
        inbound: inboundDefinitionOf(subscription.handlers),
      });
    }
    this.timing = consumerTiming(options.sessionTimeoutMs ?? 6_000);
    this.tracer = harborTracer(metrics.service);
    this.offsets = new PendingOffsetCommits(options.offsetCommitIntervalMs ?? DEFAULT_OFFSET_COMMIT_INTERVAL_MS);
  }

  get state(): ConsumerState {
    return this.current;
  }

  /**
   * Connects, subscribes and runs; resolves when the group is joined (or the first join crashed). Joining can
   * wait for a dead member's session to expire, so callers need not wait for it: `state` says where it stands.
   */
  start(): Promise<void> {
    this.starting ??= this.runOrRestartLater();
    return this.starting;
  }

  /** Connects and runs; a broker outage at that moment schedules another try (ConsumerRestartPolicy). */
  private runOrRestartLater(): Promise<void> {
    return this.connectAndRun().catch(async (error) => {
      // What the failed attempt connected is not reused: the next attempt makes a new consumer.
      await this.consumer?.disconnect().catch(() => undefined);
      if (this.stopping) return;
      if (!(await this.restartAfter(error, 'consumer could not connect; trying again'))) throw error;
    });
  }

  /**
   * Restarts the consumer after a crash kafkajs gave up on, when the policy says it was a broker outage in
   * disguise; false when nothing will restart it.
   */
  private async restartAfter(error: unknown, message: string): Promise<boolean> {
    const brokerAnswers = ConsumerRestartPolicy.asksWhetherBrokerAnswers(error) ? await this.brokerAnswers() : true;
    const verdict = this.restarts.afterCrash(error, Date.now(), brokerAnswers);
    // Being stopped: there is nothing to restart, and nothing to give up on.
    if (this.stopping) return true;
    if (!verdict.restart) return false;
    const { groupId } = this.options;
    this.current = 'rejoining';
    this.leaveOnBehalfOfCrashedMember();
    const reason = this.options.explain?.(error) ?? (error as Error).message;
    this.logger.warn({ groupId, err: reason, looksLike: verdict.kind, restartInMs: verdict.inMs }, message);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.starting = this.runOrRestartLater().catch((failure) => this.giveUp(failure));
    }, verdict.inMs);
    return true;
  }

  /** Whether the cluster answers a metadata request now: one attempt, no retries. */
  private async brokerAnswers(): Promise<boolean> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.describeCluster();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private giveUp(error: unknown): void {
    const { groupId } = this.options;
    const reason = this.options.explain?.(error) ?? (error as Error).message;
    this.current = 'crashed';
    this.logger.error({ groupId, err: reason }, 'consumer crashed and will not restart');
    this.options.onFatal?.(`consumer group ${groupId} crashed: ${reason}`);
  }

  private async connectAndRun(): Promise<void> {
    const { groupId } = this.options;
    const { sessionTimeout, heartbeatInterval, maxWaitTimeInMs } = this.timing;
    const consumer = this.kafka.consumer({
      groupId, allowAutoTopicCreation: false, sessionTimeout, heartbeatInterval, maxWaitTimeInMs, minBytes: this.options.fetchMinBytes ?? 1,
      // kafkajs's own default of 5 runner retries; and a consumer being stopped is never restarted by kafkajs (with a
      // minute of client retries, a restart loop against a broker that is gone would outlive the process's stop).
      retry: { retries: 5, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // The group reads every partition it kept from its committed offset again: what was noted before is moot.
      this.offsets.forget();
      this.current = 'joined';
      this.restarts.joined();
      this.logger.info({ groupId, memberId: payload.memberId, isLeader: payload.isLeader }, 'consumer joined its group');
      this.memberId = payload.memberId;
      this.rememberMember(payload.memberId);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(consumer, payload.error, payload.restart));
    // Partitions may move: tell the group how far this member got while it still may (best effort).
    consumer.on(consumer.events.REBALANCING, () => void this.flushOffsets());
    await this.evictPredecessor();
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.handlersByTopic.keys()], fromBeginning: true });
    await consumer.run({
      // Offsets are committed here, at most once per interval, not by kafkajs after every batch (offset-commits.ts).
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * A process killed without leaving its group (kill -9, OOM) keeps its partitions until its session expires,
   * and the group cannot take the new member before that: 6 s or more per restart. The restarted instance knows
   * its predecessor's member id and takes it out of the group first. Best effort: any failure means the wait.
   */
  private async evictPredecessor(): Promise<void> {
    const { instanceKey, groupId } = this.options;
    if (!instanceKey) return;
    try {
      const previous = await this.members.previous(instanceKey, groupId);
      if (previous && (await leaveGroupFor(this.kafka, groupId, previous))) {
        this.logger.info({ groupId, memberId: previous }, "took this instance's previous member out of the group");
      }
    } catch (error) {
      this.logger.warn({ groupId, err: (error as Error).message }, "could not take this instance's previous member out of the group");
    }
  }

  private rememberMember(memberId: string): void {
    const { instanceKey, groupId } = this.options;
    if (!instanceKey) return;
    this.members.record(instanceKey, groupId, memberId).catch((error) => this.logger.warn({ groupId, err: (error as Error).message }, 'could not record the group member id'));
  }

  /**
   * kafkajs restarts a consumer after a retriable crash and gives up on any other (an ACL denial, an unknown
   * group protocol). Giving up leaves a process that looks alive and consumes nothing, so it is fatal here, unless
   * the error was a broker outage kafkajs reported as non-retriable (ConsumerRestartPolicy): then it restarts here.
   */
  private onCrash(consumer: Consumer, error: Error, restart: boolean): void {
    const { groupId } = this.options;
    if (this.stopping) {
      // The crash came from our own disconnect during a join: make sure kafkajs does not restart it.
      setImmediate(() => void consumer.disconnect().catch(() => undefined));
      return;
    }
    if (!restart) {
      this.current = 'rejoining';
      void this.restartAfter(error, 'consumer crashed on what looks like a broker outage; restarting it').then((restarting) => {
        if (!restarting) this.giveUp(error);
      });
      return;
    }
    this.current = 'rejoining';
    this.leaveOnBehalfOfCrashedMember();
    // kafkajs restarts after the last retry's wait, which KAFKA_CONSUMER_RETRY bounds (it reached 30 s by default).
    const reason = this.options.explain?.(error) ?? error.message;
    this.logger.warn({ groupId, err: reason, restartInMs: (error as { retryTime?: number }).retryTime }, 'consumer crashed; kafkajs restarts it');
  }

  /**
   * The consumer restarts as a new member; the one it was would hold the group for a session. Leave on its behalf
   * (the client's retries carry the request until the broker answers again), once per member: restarts during a
   * long outage must not pile up requests for the same one.
   */
  private leaveOnBehalfOfCrashedMember(): void {
    if (!this.memberId || this.memberId === this.leftOnBehalfOf) return;
    this.leftOnBehalfOf = this.memberId;
    void leaveGroupFor(this.kafka, this.options.groupId, this.memberId);
  }

  /** Stops fetching, lets in-flight records finish and commits their offsets. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.starting) await Promise.race([this.starting.catch(() => undefined), sleep(STOP_WAITS_FOR_JOIN_MS, undefined, { ref: false })]);
    clearTimeout(this.offsetFlushTimer);
    this.offsetFlushTimer = undefined;
    // What was applied since the last commit; a batch still in flight commits its own as it ends (onBatch).
    await Promise.race([this.flushOffsets(), sleep(STOP_WAITS_FOR_OFFSET_COMMIT_MS, undefined, { ref: false })]);
    // During a broker outage kafkajs would retry leaving the group for as long as its retries last (a minute):
    // stop waiting after a bound. Nothing is lost: uncommitted offsets are delivered again and absorbed.
    const left = this.consumer?.disconnect().then(
      () => true,
      (error) => {
        this.logger.warn({ err: (error as Error).message }, 'consumer disconnect failed');
        return false;
      },
    );
    const cleanly = await Promise.race([left, sleep(STOP_WAITS_FOR_DISCONNECT_MS, false, { ref: false })]);
    this.consumer = undefined;
    this.current = 'stopped';
    // Left cleanly: the next start has no predecessor to take out of the group (asking the broker to remove a member
    // that already left only earns an error in the log).
    if (cleanly === true) await this.forgetMember();
  }

  private async forgetMember(): Promise<void> {
    const { instanceKey, groupId } = this.options;
    if (!instanceKey || !this.memberId) return;
    await this.members.forget(instanceKey, groupId, this.memberId).catch((error) => this.logger.warn({ groupId, err: (error as Error).message }, 'could not forget the group member id'));
  }

  /**
   * Walks a fetched batch in chunks. A chunk is first applied in one transaction; if any record in it
   * fails, nothing of it was applied and each record is handled alone (with retries and dead-lettering),
   * so one poison record costs its neighbours only a second try. Offsets are resolved only after the
   * transaction that applied them committed.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const size = this.handlersByTopic.get(batch.topic)?.batchSize ?? 1;
    // The payload's commit goes to the group even once the consumer is stopping (kafkajs's own refuses then), so the
    // last chunk's offsets reach the group before this member leaves it.
    this.groupCommit = (offsets: PartitionOffset[]) => commitOffsetsIfNecessary(asCommitRequest(offsets));
    const applied = (offset: string) => {
      resolveOffset(offset);
      this.offsets.applied(batch.topic, batch.partition, offset);
    };
    try {
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(start, start + size);
        if (chunk.length > 1 && (await this.applyTogether(batch.topic, chunk))) {
          applied(chunk[chunk.length - 1].offset);
        } else {
          for (const message of chunk) {
            if (!isRunning() || isStale()) return;
            await this.applyAlone({ topic: batch.topic, partition: batch.partition, message, heartbeat });
            applied(message.offset);
            // One transaction per record can outlast the session (the chaos tier's lost connections): stay a member.
            // kafkajs sends a heartbeat only when its interval has passed.
            await heartbeat();
          }
        }
        await this.commitOffsetsIfDue();
        await heartbeat();
      }
    } finally {
      if (!isRunning()) await this.flushOffsets();
    }
  }

  /** Commits now when the interval has passed; otherwise makes sure a commit follows when it does, records or not. */
  private async commitOffsetsIfDue(): Promise<void> {
    if (this.offsets.isEmpty) return;
    if (this.offsets.isDue()) {
      await this.flushOffsets();
      return;
    }
    this.offsetFlushTimer ??= setTimeout(() => {
      this.offsetFlushTimer = undefined;
      void this.flushOffsets();
    }, this.offsets.dueInMs()).unref();
  }

  /**
   * Sends what is pending, one commit at a time. A refused commit (a rebalance under way, the broker away) keeps its
   * offsets pending for the next; they are only ever a shortcut past records the consumer would absorb again.
   */
  private flushOffsets(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const commit = this.groupCommit;
      if (this.offsets.isEmpty || !commit) return;
      const offsets = this.offsets.take();
      try {
        await commit(offsets);
      } catch (error) {
        this.offsets.failed(offsets);
        this.logger.debug({ groupId: this.options.groupId, err: (error as Error).message }, 'offset commit refused; kept for the next');
      }
    });
    return this.committing;
  }

  private async applyTogether(topic: string, chunk: KafkaMessage[]): Promise<boolean> {
    let prepared: PreparedRecord[];
    try {
      prepared = chunk.map((message) => this.prepare(topic, message));
    } catch {
      return false; // an invalid record is dead-lettered on the one-by-one path
    }
    const started = process.hrtime.bigint();
    try {
      const outcomes = await this.dataSource.transaction(async (manager) => {
        // The chunk's event ids are claimed in one statement instead of one round trip per record.
        const claimed = await this.claimAll(manager, prepared);
        const results: Outcome[] = [];
        for (const [index, record] of prepared.entries()) {
          results.push(await runWithContext(record.context, () => this.inRecordSpan(topic, record.event.headers, () => this.applyClaimed(manager, record, claimed[index]))));
        }
        return results;
      });
      // One observation per record, like the one-by-one path: each gets an equal share of the transaction.
      const share = Number(process.hrtime.bigint() - started) / 1e9 / outcomes.length;
      for (const outcome of outcomes) {
        this.metrics.messagesConsumed.inc({ outcome });
        this.metrics.messageHandlingSeconds.observe(share);
      }
      return true;
    } catch (error) {
      // Nothing observed: the records are handled again one by one, and observed there.
      this.logger.debug({ topic, records: chunk.length, err: (error as Error).message }, 'batch failed; applying its records one by one');
      return false;
    }
  }

  private async applyAlone({ topic, partition, message, heartbeat }: RecordInPartition): Promise<void> {
    const headers = readHeaders(message.headers);
    await runWithContext(contextOf(headers), () => this.inRecordSpan(topic, headers, async () => {
      const timer = this.metrics.messageHandlingSeconds.startTimer();
      let firstFailedAt: Date | undefined;
      let record: PreparedRecord | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          // Parsed and validated once: a record that cannot be is permanent and dead-lettered at the first attempt.
          const prepared = (record ??= this.prepare(topic, message));
          const outcome = await this.dataSource.transaction((manager) => this.apply(manager, prepared));
          this.metrics.messagesConsumed.inc({ outcome });
          break;
        } catch (thrown) {
          firstFailedAt ??= new Date();
          const error = unstorableOrAsThrown(thrown);
          const decision = decideAfterFailure(error, attempt, this.options.retry);
          if (decision.action === 'dead-letter') {
            await this.deadLetter(topic, partition, message, headers, error, attempt, firstFailedAt);
            break;
          }
          this.metrics.messagesConsumed.inc({ outcome: 'retried' });
          this.logger.warn({ topic, partition, offset: message.offset, attempt, err: (error as Error).message }, 'handler failed; retrying');
          await this.waitHeartbeating(decision.delayMs, heartbeat);
        }
      }
      timer();
    }));
  }

  /**
   * The record's span in its producer's trace: the parent is the `traceparent` the record carries (the outbox
   * publish span of the service that wrote it), so one trace runs from the request or record that started it
   * to the last service. Outbox rows written by the handler store this span's context in turn.
   */
  private inRecordSpan<T>(topic: string, headers: StringHeaders, work: () => Promise<T>): Promise<T> {
    const type = headers[HEADER.type] ?? this.handlersByTopic.get(topic)?.typeWhenAbsent ?? topic;
    const hop: HopSpan = {
      name: `process ${type}`,
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': topic, 'messaging.message.id': headers[HEADER.id] ?? '' },
    };
    return inSpanFrom(this.tracer, headers[HEADER.traceparent], hop, () => work());
  }

  /** A retry wait can be longer than the session: keep heartbeating through it, or the group expels this member. */
  private async waitHeartbeating(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      await sleep(Math.min(left, this.timing.heartbeatInterval));
      await heartbeat();
    }
  }

  /** Parses and validates a record; throws a permanent error for anything that no retry can fix. */
  private prepare(topic: string, message: KafkaMessage): PreparedRecord {
    const headers = readHeaders(message.headers);
    const handler = this.resolveHandler(topic, headers);
    const payload = validateEventPayload(handler.definition, parseJson(message.value));
    const id = headers[HEADER.id] ?? contentId(topic, message);
    const event: InboundEvent<object> = { id, type: versionedType(handler.definition), payload, key: message.key?.toString(), topic, headers };
    return { handler, event, context: contextOf(headers) };
  }

  /** Claims the event id and runs the handler, in the caller's transaction; a claimed id is a no-op. */
  private async apply(manager: EntityManager, record: PreparedRecord): Promise<Outcome> {
    return this.applyClaimed(manager, record, (await this.claimAll(manager, [record]))[0]);
  }

  private async applyClaimed(manager: EntityManager, { handler, event }: PreparedRecord, claimed: boolean): Promise<Outcome> {
    if (!claimed) return 'duplicate';
    await handler.handle(event, manager);
    return 'processed';
  }

  /**
   * Records the events as processed in the caller's transaction, in one statement; per record, whether this
   * claimed it (false for an id processed before, and for a second record with an id met earlier in the list).
   */
  private async claimAll(manager: EntityManager, records: PreparedRecord[]): Promise<boolean[]> {
    const ids = records.map((record) => record.event.id);
    const rows: { event_id: string }[] = await manager.query(
      `INSERT INTO "${this.options.schema}"."processed_messages" ("consumer", "event_id")
       SELECT $1, "id" FROM unnest($2::text[]) AS "id"
       ON CONFLICT DO NOTHING RETURNING "event_id"`,
      [this.options.consumerName ?? this.options.groupId, ids],
    );
    const fresh = new Set(rows.map((row) => row.event_id));
    return ids.map((id) => fresh.delete(id));
  }

  private resolveHandler(topic: string, headers: StringHeaders): EventHandler {
    const route = this.handlersByTopic.get(topic);
    const type = headers[HEADER.type] ?? route?.typeWhenAbsent;
    if (!type) throw new UnknownEventTypeError(`record on ${topic} has no ${HEADER.type} header`);
    const handler = route?.byType.get(type);
    // The header is the sender's text: quoted only when it looks like a type name, and never at length.
    if (!handler) throw new UnknownEventTypeError(`no handler for event type ${/^[\w.-]{1,120}$/.test(type) ? `"${type}"` : '(not a type name)'} on ${topic}`);
    return handler;
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: StringHeaders,
    error: unknown,
    attempts: number,
    firstFailedAt: Date,
  ): Promise<void> {
    const reason = { error, consumerGroup: this.options.groupId, attempts, firstFailedAt, topic, partition, offset: message.offset };
    const route = this.handlersByTopic.get(topic)!;
    // A hospital system's record is reduced to what Harbor's contract reads; Harbor's own events go whole.
    const record = route.inbound
      ? inboundDeadLetter(message, headers, reason, route.inbound.deadLetterView)
      : { key: message.key, value: message.value, headers: deadLetterHeaders(headers, reason) };
    await this.deadLetterProducer.send({ topic: route.deadLetterTopic, acks: -1, messages: [record] });
    this.metrics.messagesConsumed.inc({ outcome: 'dead_lettered' });
    this.logger.warn(
      { topic, partition, offset: message.offset, attempts, errorClass: (error as Error).name, err: (error as Error).message },
      'record dead-lettered',
    );
  }
}

/** A topic is inbound when any of its events comes from a hospital system (its contract strips unknown fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of different payload types share one list
function inboundDefinitionOf(handlers: EventHandler<any>[]): EventDefinition | undefined {
  return handlers.find((handler) => handler.definition.unknownFields === 'strip')?.definition;
}

function contextOf(headers: StringHeaders) {
  return { correlationId: acceptedCorrelationId(headers[HEADER.correlationId]), traceparent: headers[HEADER.traceparent] };
}

/** The bounds of a record's value: Kafka's default largest message, and the nesting and value count HTTP bodies get. */
export const RECORD_JSON_LIMITS = { maxBytes: 1024 * 1024, maxDepth: DEFAULT_MAX_JSON_DEPTH, maxValues: DEFAULT_MAX_JSON_VALUES };

/** A record's value through the same bounded decoder as HTTP bodies; any refusal is permanent (dead-lettered at once). */
function parseJson(value: Buffer | null): unknown {
  if (!value || value.length === 0) throw new MalformedMessageError('record has no value');
  try {
    return decodeUntrustedJson(value, RECORD_JSON_LIMITS);
  } catch (error) {
    if (error instanceof UntrustedJsonError) throw new MalformedMessageError(`value ${error.message}`);
    throw error;
  }
}

/**
 * A database refusal of the record's data is permanent: dead-lettered at once, with a reason naming the column
 * or constraint and not Postgres's message (which can quote the value).
 */
function unstorableOrAsThrown(error: unknown): unknown {
  const refusal = classifyDatabaseError(error);
  if (refusal?.kind !== 'invalid-input') return error;
  return new UnstorableRecordError(`the database refused the record's data (SQLSTATE ${refusal.sqlState}${refusal.field ? `, ${refusal.field}` : ''})`);
}

/** Records from outside Harbor may lack `ce_id`: the same bytes on the same topic count as the same event. */
function contentId(topic: string, message: KafkaMessage): string {
  const hash = createHash('sha256').update(topic).update('\0').update(message.key ?? '').update('\0').update(message.value ?? '');
  return `sha256:${hash.digest('hex')}`;
}
