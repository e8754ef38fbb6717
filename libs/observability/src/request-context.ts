import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with one unit of work (an HTTP request or a Kafka message) across async calls. */
export interface RequestContext {
  correlationId: string;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** A correlation id Harbor keeps as given: what UUIDs, W3C trace ids and common request ids look like, and no longer. */
const SAFE_CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * The caller's correlation id (an HTTP header, a Kafka header) when it is short and plain; otherwise a fresh one.
 * It is written to logs, response headers and every record the unit of work publishes, so nothing else is let in.
 */
export function acceptedCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_CORRELATION_ID.test(candidate) ? candidate : newCorrelationId();
}
