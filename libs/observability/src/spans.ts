import { Context, context, ROOT_CONTEXT, Span, SpanContext, SpanKind, SpanStatusCode, trace, Tracer, TraceFlags } from '@opentelemetry/api';
import { isValidTraceparent } from './trace-context';

/**
 * Harbor's own spans: the trace's backbone from a request or record to the provider call, across every hop that
 * goes through a table (the outbox, the dispatch queue), where no instrumentation can carry the context. They use
 * the OpenTelemetry API only: with tracing off (the default) every call here is a no-op.
 */
export function harborTracer(service: string): Tracer {
  return trace.getTracer(`harbor-${service}`);
}

/** The context a stored W3C `traceparent` stands for (the root context when there is none or it is invalid). */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  if (!isValidTraceparent(traceparent)) return ROOT_CONTEXT;
  const [, traceId, spanId, flags] = traceparent.split('-');
  const spanContext: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The traceparent of the span that is working now (a request, a consumed record), to store with what it writes
 * for later (an outbox row, a queued page); undefined when tracing is off or nothing is being traced.
 */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  return span && span.isRecording() ? traceparentOf(span) : undefined;
}

export interface HopSpan {
  name: string;
  kind: SpanKind;
  /** Only ids, kinds and counts: never names, addresses, bodies or paths (docs/operations.md, "Tracing"). */
  attributes?: Record<string, string | number | boolean>;
  startTime?: Date;
}

/**
 * Runs `work` inside a span whose parent is the stored `traceparent`, so the trace continues where the row was
 * written. The span ends when `work` settles; a failure marks it with the error's class only (messages may quote
 * input).
 */
export async function inSpanFrom<T>(tracer: Tracer, traceparent: string | undefined, hop: HopSpan, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer.startSpan(hop.name, { kind: hop.kind, attributes: hop.attributes, startTime: hop.startTime }, contextOfTraceparent(traceparent));
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? 'Error' });
}
