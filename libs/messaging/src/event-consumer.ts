import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { newCorrelationId, runWithContext, ServiceMetrics } from '@harbor/observability';
import { EventDefinition, versionedType } from './event-definition';
import { HEADER, readHeaders, StringHeaders } from './envelope';
import { MalformedMessageError, UnknownEventTypeError } from './errors';
import { validateEventPayload } from './event-validation';
import { deadLetterHeaders } from './dead-letter';
import { decideAfterFailure, RetryPolicy } from './retry-policy';
import { TopicNames } from './topic-names';

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
}

export interface EventConsumerOptions {
  groupId: string;
  schema: string;
  subscriptions: Subscription[];
  retry: RetryPolicy;
  topics: TopicNames;
  partitionsConsumedConcurrently?: number;
}

type Outcome = 'processed' | 'duplicate';

/**
 * Consumes with exactly-once effect: each record's state change and its processed-message row commit in
 * one transaction, and the offset is committed only after that. Transient failures retry with backoff;
 * permanent ones, and transient ones past the budget, go to `<topic>.dlq` so the partition moves on.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private readonly handlersByTopic = new Map<string, { byType: Map<string, EventHandler>; typeWhenAbsent?: string }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly deadLetterProducer: Producer,
    private readonly options: EventConsumerOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    for (const subscription of options.subscriptions) {
      const byType = new Map(subscription.handlers.map((handler) => [versionedType(handler.definition), handler] as const));
      this.handlersByTopic.set(options.topics.name(subscription.topic), { byType, typeWhenAbsent: subscription.typeWhenAbsent });
    }
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.handlersByTopic.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachMessage: (payload) => this.onMessage(payload),
    });
    this.consumer = consumer;
  }

  /** Stops fetching, lets in-flight records finish and commits their offsets. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async onMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const headers = readHeaders(message.headers);
    const context = { correlationId: headers[HEADER.correlationId] ?? newCorrelationId(), traceparent: headers[HEADER.traceparent] };
    await runWithContext(context, async () => {
      const timer = this.metrics.messageHandlingSeconds.startTimer({ topic });
      let firstFailedAt: Date | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await this.handleOnce(topic, message, headers);
          this.metrics.messagesConsumed.inc({ topic, outcome });
          break;
        } catch (error) {
          firstFailedAt ??= new Date();
          const decision = decideAfterFailure(error, attempt, this.options.retry);
          if (decision.action === 'dead-letter') {
            await this.deadLetter(topic, partition, message, headers, error, attempt, firstFailedAt);
            break;
          }
          this.metrics.messagesConsumed.inc({ topic, outcome: 'retried' });
          this.logger.warn({ topic, partition, offset: message.offset, attempt, err: (error as Error).message }, 'handler failed; retrying');
          await sleep(decision.delayMs);
          await heartbeat();
        }
      }
      timer();
    });
  }

  private async handleOnce(topic: string, message: KafkaMessage, headers: StringHeaders): Promise<Outcome> {
    const handler = this.resolveHandler(topic, headers);
    const payload = validateEventPayload(handler.definition, parseJson(message.value));
    const id = headers[HEADER.id] ?? contentId(topic, message);
    const event: InboundEvent<object> = { id, type: versionedType(handler.definition), payload, key: message.key?.toString(), topic, headers };
    return this.dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO "${this.options.schema}"."processed_messages" ("consumer", "event_id") VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [this.options.groupId, id],
      );
      if (claimed.length === 0) return 'duplicate';
      await handler.handle(event, manager);
      return 'processed';
    });
  }

  private resolveHandler(topic: string, headers: StringHeaders): EventHandler {
    const route = this.handlersByTopic.get(topic);
    const type = headers[HEADER.type] ?? route?.typeWhenAbsent;
    if (!type) throw new UnknownEventTypeError(`record on ${topic} has no ${HEADER.type} header`);
    const handler = route?.byType.get(type);
    if (!handler) throw new UnknownEventTypeError(`no handler for event type "${type}" on ${topic}`);
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
    await this.deadLetterProducer.send({
      topic: `${topic}.dlq`,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(headers, reason) }],
    });
    this.metrics.messagesConsumed.inc({ topic, outcome: 'dead_lettered' });
    this.logger.warn(
      { topic, partition, offset: message.offset, attempts, errorClass: (error as Error).name, err: (error as Error).message },
      'record dead-lettered',
    );
  }
}

function parseJson(value: Buffer | null): unknown {
  if (!value || value.length === 0) throw new MalformedMessageError('record has no value');
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    // The parser's own message quotes the input, which may hold free text: name only the problem.
    throw new MalformedMessageError(`value is not valid JSON (${value.length} bytes)`);
  }
}

/** Records from outside Harbor may lack `ce_id`: the same bytes on the same topic count as the same event. */
function contentId(topic: string, message: KafkaMessage): string {
  const hash = createHash('sha256').update(topic).update('\0').update(message.key ?? '').update('\0').update(message.value ?? '');
  return `sha256:${hash.digest('hex')}`;
}
