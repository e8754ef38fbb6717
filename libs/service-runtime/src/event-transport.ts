import { applyDecorators, ArgumentsHost, Catch, DynamicModule, RpcExceptionFilter, SetMetadata, Type, UseFilters } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { BaseRpcContext, CustomTransportStrategy, EventPattern, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom, Observable, throwError } from 'rxjs';
import { EntityManager } from 'typeorm';
import { EventHandler, InboundEvent, MessagingRuntime, Subscription } from '@harbor/messaging';
import { EventDefinition, versionedType } from '@harbor/contracts';

/** Per-subscription settings a handler may declare beside its event. */
export interface ConsumeOptions {
  /**
   * Records on this event's topic without CloudEvents headers (hospital systems publish plain JSON) are read as
   * this event.
   */
  readsPlainRecords?: boolean;
  /** Records applied together in one transaction; 1 for handlers with effects outside the database. */
  batchSize?: number;
}

interface HandlerExtras extends ConsumeOptions {
  definition: EventDefinition;
}

const CONSUMES = Symbol('harbor:consumes');

/**
 * A handler's error is the messaging library's to judge (retry a transient one, dead-letter a permanent one
 * with its reason): pass it through unchanged instead of Nest's generic RPC error.
 */
@Catch()
export class PassEventErrorsThrough implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Declares an event controller's method as the handler of one event, where the handler is: the topic comes
 * from the definition, the payload is validated against it, and the method runs inside the transaction that
 * also records the event as processed. The method receives `(@Payload() event: InboundEvent<P>, @Ctx() context:
 * EventContext)` and writes through `context.manager`.
 */
export function ConsumesEvent(definition: EventDefinition<any>, options: ConsumeOptions = {}): MethodDecorator { // eslint-disable-line @typescript-eslint/no-explicit-any
  const extras: HandlerExtras = { definition, ...options };
  return applyDecorators(EventPattern(versionedType(definition), extras), UseFilters(new PassEventErrorsThrough()), SetMetadata(CONSUMES, extras));
}

/** The context an event handler gets: the event and the transaction it is applied in. */
export class EventContext extends BaseRpcContext<[InboundEvent<object>, EntityManager]> {
  get event(): InboundEvent<object> {
    return this.args[0];
  }

  get manager(): EntityManager {
    return this.args[1];
  }
}

/**
 * Harbor's event transport for @nestjs/microservices: handlers are declared with @ConsumesEvent on event
 * controllers and registered by Nest; this strategy subscribes them through libs/messaging, which keeps every
 * guarantee of its own — batches applied in one transaction, idempotency by event id, retries, dead letters
 * with reasons, offsets committed only after the database. (Nest's built-in Kafka transport hides offset and
 * error control, hence a strategy of our own.) Services are hybrid apps: HTTP plus this transport.
 */
export class HarborEventTransport extends Server implements CustomTransportStrategy {
  constructor(
    private readonly messaging: MessagingRuntime,
    private readonly defaultBatchSize: number,
  ) {
    super();
  }

  /** Starts the relay, the producer and the consumers of every declared handler. */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.messaging.start(this.subscriptions());
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Consumers and the relay are stopped by the service's shutdown hook, before the database closes. */
  async close(): Promise<void> {}

  on(): void {
    throw new Error('HarborEventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.messaging as T;
  }

  /** One subscription per topic, from the handlers Nest registered for @ConsumesEvent methods. */
  subscriptions(): Subscription[] {
    const byTopic = new Map<string, Subscription>();
    for (const head of this.messageHandlers.values()) {
      for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) {
        const extras = handler.extras as HandlerExtras;
        const { definition } = extras;
        const subscription = byTopic.get(definition.topic) ?? { topic: definition.topic, handlers: [] };
        if (extras.readsPlainRecords) subscription.typeWhenAbsent = versionedType(definition);
        // A handler's own batch size overrides KAFKA_CONSUMER_BATCH_SIZE; handlers sharing a topic get the smallest.
        if (extras.batchSize !== undefined) subscription.batchSize = Math.min(subscription.batchSize ?? extras.batchSize, extras.batchSize);
        subscription.handlers.push(this.adapt(definition, handler));
        byTopic.set(definition.topic, subscription);
      }
    }
    return [...byTopic.values()].map((subscription) => ({ ...subscription, batchSize: subscription.batchSize ?? this.defaultBatchSize }));
  }

  private adapt(definition: EventDefinition, handler: MessageHandler): EventHandler<object> {
    return {
      definition,
      handle: async (event, manager) => {
        const result = await handler(event, new EventContext([event, manager]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      },
    };
  }
}

/** The events a service's module tree consumes, read from its event controllers (for deployment checks and ACLs). */
export function consumedEvents(root: DynamicModule | Type): EventDefinition[] {
  const found = new Map<string, EventDefinition>();
  const seen = new Set<unknown>();
  const queue: unknown[] = [root];
  while (queue.length > 0) {
    const entry = queue.shift();
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    const dynamic = entry as DynamicModule;
    const moduleClass = (dynamic.module ?? entry) as Type;
    const controllers: Type[] = [...(dynamic.controllers ?? []), ...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, moduleClass) ?? [])];
    const imports: unknown[] = [...(dynamic.imports ?? []), ...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) ?? [])];
    for (const controller of controllers) {
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
        const extras = typeof method === 'function' ? (Reflect.getMetadata(CONSUMES, method) as HandlerExtras | undefined) : undefined;
        if (extras) found.set(versionedType(extras.definition), extras.definition);
      }
    }
    queue.push(...imports);
  }
  return [...found.values()];
}
