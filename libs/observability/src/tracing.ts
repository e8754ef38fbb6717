import { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ConsoleSpanExporter, ParentBasedSampler, ReadableSpan, Span, SpanProcessor, TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { readBuildInfo } from './build-info';

export const TRACES_EXPORTERS = ['none', 'otlp', 'console'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

export interface TracingSettings {
  /** `harbor-<service>`: the resource's service.name. */
  serviceName: string;
  exporter: TracesExporter;
  /** OTLP/HTTP base URL (the collector); traces go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Share of new traces recorded (a trace that arrives sampled stays sampled); 1 records all. */
  sampleRatio?: number;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry with the official SDK: HTTP, Express, pg and kafkajs instrumentations plus Harbor's own spans
 * (spans.ts), exported over OTLP/HTTP. Off unless asked for. Every span passes the redaction below before any
 * exporter sees it. Instrumentations patch modules as they are loaded, so this runs before anything else in a
 * service's process (tracing-bootstrap.ts, the first import of each main.ts). `processors` are for tests.
 */
export function startTracing(settings: TracingSettings, processors: SpanProcessor[] = []): Tracing {
  const exporting = exportingProcessors(settings);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': readBuildInfo().version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio ?? 1) }),
    spanProcessors: [new RedactingSpanProcessor([...exporting, ...processors])],
  });
  provider.register({ propagator: new KeepStoredTraceContext() });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isProbePath(request.url) }),
      new ExpressInstrumentation(),
      // Statements only, as parameterised SQL; never their values.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new KafkaJsInstrumentation(),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

function exportingProcessors(settings: TracingSettings): SpanProcessor[] {
  switch (settings.exporter) {
    case 'otlp':
      return [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${(settings.otlpEndpoint ?? 'http://localhost:4318').replace(/\/$/, '')}/v1/traces` }))];
    case 'console':
      return [new BatchSpanProcessor(new ConsoleSpanExporter())];
    default:
      return [];
  }
}

/**
 * W3C trace context that never overwrites a `traceparent` a carrier already has. Harbor's outbox relay sends each
 * event with the trace context stored with its row (its own publish span, a child of the span that wrote the row);
 * the kafkajs instrumentation would replace it with its send span, which belongs to the relay's batch, not to the
 * event's trace, and the consumer would continue the wrong trace. Everything else behaves as W3C propagation does.
 */
export class KeepStoredTraceContext implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const existing = carrier as Record<string, unknown> | undefined;
    if (existing && typeof existing === 'object' && existing.traceparent !== undefined && existing.traceparent !== null) return;
    this.w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return this.w3c.fields();
  }
}

/** Attributes the instrumentations set that can carry a credential or a person: replaced before export. */
const REPLACED: Readonly<Record<string, (value: string) => string>> = {
  // The signed link's token is in the path; queries name clinicians (`/v1/opt-outs?system=&value=`).
  'url.path': (value) => redactLinkToken(value),
  'url.full': (value) => redactLinkToken(value.split('?')[0]),
  'http.target': (value) => redactLinkToken(value.split('?')[0]),
  'http.url': (value) => redactLinkToken(value.split('?')[0]),
  'url.query': () => '[redacted]',
  // Record keys are case ids or a clinician's identifier (support requests are keyed by system|value).
  'messaging.kafka.message.key': () => '[redacted]',
  'messaging.kafka.message_key': () => '[redacted]',
  'db.connection_string': () => '[redacted]',
  'enduser.id': () => '[redacted]',
};

/** `/a/<token>` → `/a/[redacted]`, wherever it appears; the route pattern `/a/:token` stays as it is. */
export function redactLinkToken(value: string): string {
  return value.replace(/\/a\/(?!:token\b)[^/?#\s"]+/g, '/a/[redacted]');
}

/** Probes and scrapes answer every few seconds and are not worth a trace each. */
export function isProbePath(url: string | undefined): boolean {
  return /^\/(health\/|metrics(\?|$))/.test(url ?? '');
}

/**
 * Runs before a span ends (while its attributes can still change) and rewrites anything that could identify a
 * person or act as a credential: the attributes above, and any `/a/<token>` in any other string attribute or
 * in the span's name. Then hands the span to the exporting processors.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor[]) {}

  onStart(span: Span, parentContext: Context): void {
    for (const processor of this.next) processor.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    for (const [key, value] of Object.entries(span.attributes)) {
      if (typeof value !== 'string') continue;
      const replace = REPLACED[key];
      const safe = replace ? replace(value) : redactLinkToken(value);
      if (safe !== value) span.setAttribute(key, safe);
    }
    const name = redactLinkToken(span.name);
    if (name !== span.name) span.updateName(name);
    for (const processor of this.next) processor.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    for (const processor of this.next) processor.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.next.map((processor) => processor.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.next.map((processor) => processor.shutdown()));
  }
}
