import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextOfTraceparent } from './spans';
import { KeepStoredTraceContext, RedactingSpanProcessor, redactLinkToken } from './tracing';

describe('RedactingSpanProcessor', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new RedactingSpanProcessor([new SimpleSpanProcessor(exporter)])] });
  const tracer = provider.getTracer('test');

  afterEach(() => exporter.reset());

  it('replaces paths, queries, record keys and connection strings before any exporter sees them', () => {
    const span = tracer.startSpan('GET /a/0f3c.1767225600.c2ln');
    span.setAttributes({
      'url.path': '/a/0f3c.1767225600.c2ln',
      'url.full': 'https://harbor.example/a/0f3c.1767225600.c2ln?x=1',
      'url.query': 'system=urn%3Ahospital&value=E-1001',
      'http.route': '/a/:token',
      'messaging.kafka.message.key': 'urn:hospital:employee|E-1001',
      'db.connection_string': 'postgresql://db:5432/harbor',
      'db.query.text': 'SELECT 1 FROM "x" WHERE "id" = $1',
      'harbor.note': 'see /a/0f3c.1767225600.c2ln',
      'http.response.status_code': 200,
    });
    span.end();
    const [exported] = exporter.getFinishedSpans();
    expect(exported.name).toBe('GET /a/[redacted]');
    expect(exported.attributes).toEqual({
      'url.path': '/a/[redacted]',
      'url.full': 'https://harbor.example/a/[redacted]',
      'url.query': '[redacted]',
      'http.route': '/a/:token',
      'messaging.kafka.message.key': '[redacted]',
      'db.connection_string': '[redacted]',
      'db.query.text': 'SELECT 1 FROM "x" WHERE "id" = $1',
      'harbor.note': 'see /a/[redacted]',
      'http.response.status_code': 200,
    });
  });

  it('leaves route patterns and unrelated paths alone', () => {
    expect(redactLinkToken('/a/:token')).toBe('/a/:token');
    expect(redactLinkToken('/v1/cases/5f0c')).toBe('/v1/cases/5f0c');
    expect(redactLinkToken('/dashboard/app.js')).toBe('/dashboard/app.js');
  });
});

describe('KeepStoredTraceContext', () => {
  const propagator = new KeepStoredTraceContext();
  const active = contextOfTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');

  it('keeps the traceparent a carrier already has (an outbox record\'s own trace)', () => {
    const carrier: Record<string, string> = { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
    propagator.inject(active, carrier, defaultTextMapSetter);
    expect(carrier.traceparent).toBe('00-11111111111111111111111111111111-2222222222222222-01');
  });

  it('adds the active context where there is none, and extracts like W3C', () => {
    const carrier: Record<string, string> = {};
    propagator.inject(active, carrier, defaultTextMapSetter);
    expect(carrier.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    const extracted = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    expect(trace.getSpanContext(extracted)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
