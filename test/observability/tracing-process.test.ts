import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AssignmentOffered, AssignmentOfferedV1 } from '@harbor/contracts';
import { envelopeToHeaders, newEnvelope } from '@harbor/messaging';
import { freePort } from '../support/secured-kafka';
import { createTestDatabase, kafkaClient, testInfrastructure, uniqueSuffix, uniqueTopicPrefix, waitFor } from '../support/infrastructure';
import { buildServices, ServiceProcess } from '../support/service-process';

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: OtlpValue }[] }
interface CollectedSpan extends OtlpSpan { service: string; scope: string }

/** A stand-in OpenTelemetry collector: keeps every span POSTed to /v1/traces (OTLP/HTTP JSON). */
class FakeCollector {
  readonly spans: CollectedSpan[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const resourceSpans of body.resourceSpans ?? []) {
            const service = resourceSpans.resource?.attributes?.find((attribute: { key: string }) => attribute.key === 'service.name')?.value?.stringValue;
            for (const scopeSpans of resourceSpans.scopeSpans ?? []) for (const span of scopeSpans.spans ?? []) this.spans.push({ ...span, service, scope: scopeSpans.scope?.name });
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((entry) => entry.key === key)?.value;

/**
 * Tracing as deployed: notification as its own process with OTEL_TRACES_EXPORTER=otlp, so the SDK starts before
 * anything loads (tracing-bootstrap), the http, express, pg and kafkajs instrumentations patch their modules, and
 * spans leave over OTLP/HTTP through the redaction.
 */
describe('tracing in a service process, exported over OTLP', () => {
  const collector = new FakeCollector();
  const prefix = uniqueTopicPrefix();
  let service: ServiceProcess;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const [database, endpoint] = await Promise.all([createTestDatabase(), collector.start(), buildServices()]);
    dropDatabase = database.drop;
    service = ServiceProcess.start('notification', await freePort(), {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testInfrastructure().brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      METRICS_PORT: '0',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    await service.waitUntilReady(60_000);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await collector.stop();
    await dropDatabase?.();
  });

  it('continues the trace a record carries to the page it sends, with the instrumentations\' spans, and never exports the link token', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const parentSpanId = randomUUID().replace(/-/g, '').slice(0, 16);
    const payload: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels: [{ kind: 'console', address: 'pager-7' }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    const headers = { ...envelopeToHeaders(newEnvelope(AssignmentOffered, payload, 'harbor/matching')), traceparent: `00-${traceId}-${parentSpanId}-01` };
    const producer = kafkaClient().producer();
    await producer.connect();
    await producer.send({ topic: `${prefix}${AssignmentOffered.topic}`, messages: [{ key: AssignmentOffered.key(payload), value: JSON.stringify(payload), headers }] });
    await producer.disconnect();

    const token = `${payload.assignmentId}.${Math.floor(Date.now() / 1000) + 600}.bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWEtY3JlZGVudGlhbA`;
    expect((await fetch(`${service.url}/a/${token}?utm=${token}`)).status).toBeGreaterThanOrEqual(400);

    // The BatchSpanProcessor exports every few seconds.
    const send = await waitFor(async () => collector.spans.find((span) => span.name === 'send offer-page' && span.traceId === traceId), 'the page send in the record\'s trace', 30_000);
    const processed = collector.spans.find((span) => span.name === 'process org.harbor.assignment.offered.v1' && span.traceId === traceId)!;
    expect(processed).toMatchObject({ parentSpanId, service: 'harbor-notification', scope: 'harbor-notification' });
    expect(send.parentSpanId).toBe(processed.spanId);
    // The handler's queries are pg instrumentation spans under the record's span.
    expect(collector.spans.some((span) => span.scope === '@opentelemetry/instrumentation-pg' && span.traceId === traceId)).toBe(true);

    const linkRequest = await waitFor(async () => collector.spans.find((span) => span.scope === '@opentelemetry/instrumentation-http' && attribute(span, 'http.route')?.stringValue === '/a/:token'), 'the link request\'s server span', 30_000);
    expect(attribute(linkRequest, 'url.path')?.stringValue).toBe('/a/[redacted]');
    expect(attribute(linkRequest, 'url.query')?.stringValue).toBe('[redacted]');
    expect(linkRequest.name).toBe('GET /a/:token');
    expect(collector.spans.some((span) => span.scope === '@opentelemetry/instrumentation-express')).toBe(true);
    // Probes make no trace: neither the instrumentation's span nor Harbor's.
    expect(collector.spans.filter((span) => span.name.includes('/health'))).toEqual([]);
    expect(collector.spans.some((span) => span.scope === '@opentelemetry/instrumentation-kafkajs')).toBe(true);

    const exported = JSON.stringify(collector.spans);
    expect(exported).not.toContain(token.split('.')[2]);
    expect(exported).not.toContain('pager-7');
  });
});
