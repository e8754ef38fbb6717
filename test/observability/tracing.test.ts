import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Role } from '@harbor/auth';
import { startTracing, Tracing } from '@harbor/observability';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';

/**
 * One trace from the HTTP incident to the Twilio call, across both outbox hops and the dispatch queue, with an
 * in-memory exporter behind the same redaction the services use. The four services run in this process: module
 * patching does not reach into Jest's module registry, so the spans here are Harbor's own (the HTTP request, each
 * outbox publish, each consumed record, the provider send). In a service process the http/express/pg/kafkajs
 * instrumentations add their spans under these.
 */
describe('tracing: one trace from the incident to the provider call', () => {
  const exporter = new InMemorySpanExporter();
  const twilio = new FakeTwilio();
  let tracing: Tracing;
  let harbor: HarborHarness;

  const clinician = {
    identifiers: [{ system: 'urn:oid:2.16.840.1.113883.4.6', value: '1234567893' }],
    displayName: 'Dr. Tracey Spanner',
    profession: 'physician',
    department: 'emergency',
    facility: 'general',
    phone: '+15550001111',
  };

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'harbor-test', exporter: 'none' }, [new SimpleSpanProcessor(exporter)]);
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      serviceEnv: { notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000' } },
    });
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(clinician) })).status).toBe(201);
    const supporter = {
      id: 'sup-trace', displayName: 'Supporter Tracewell', profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 3,
      channels: [{ kind: 'sms', address: '+15550002222' }],
    };
    expect((await harbor.request('matching', '/v1/roster/supporters', { ...admin, body: JSON.stringify(supporter) })).status).toBe(201);
  });

  afterAll(async () => {
    await harbor?.stop();
    await twilio.stop();
    await tracing?.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('runs HTTP intake → intake → matching → notification → Twilio in one trace, each span the child of the one before', async () => {
    const incident = {
      source: 'rl-datix', sourceEventId: 'TRACE-1', occurredAt: '2026-11-26T05:00:00Z', reportedAt: '2026-11-26T05:20:00Z', category: 'medication-error',
      harmLevel: 'severe', facility: 'general', department: 'emergency', involvedClinicians: [{ identifier: clinician.identifiers[0], role: 'prescriber' }],
    };
    expect((await harbor.request('intake', '/v1/incidents', { method: 'POST', role: Role.SourceSystem, body: JSON.stringify(incident) })).status).toBe(202);
    const page = await waitFor(async () => twilio.messages.find((message) => message.to === '+15550002222'), 'the SMS page');

    const send = await waitFor(async () => exporter.getFinishedSpans().find((span) => span.name === 'send offer-page'), 'the provider send span');
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === send.spanContext().traceId);
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const chain: ReadableSpan[] = [];
    for (let span: ReadableSpan | undefined = send; span; span = span.parentSpanContext ? byId.get(span.parentSpanContext.spanId) : undefined) chain.unshift(span);
    const topic = (name: string) => harbor.topic(name);

    // Root first: every hop's parent is the span before it, in the service that did it.
    expect(chain.map((span) => [span.instrumentationScope.name, span.name, span.kind])).toEqual([
      ['harbor-intake', 'POST trigger-submission', SpanKind.SERVER],
      ['harbor-intake', `publish ${topic('support.requested.v1')}`, SpanKind.PRODUCER],
      ['harbor-matching', 'process org.harbor.support.requested.v1', SpanKind.CONSUMER],
      ['harbor-matching', `publish ${topic('assignments.offered.v1')}`, SpanKind.PRODUCER],
      ['harbor-notification', 'process org.harbor.assignment.offered.v1', SpanKind.CONSUMER],
      ['harbor-notification', 'send offer-page', SpanKind.CLIENT],
    ]);
    expect(chain[0].parentSpanContext).toBeUndefined();
    expect(chain[5].attributes).toMatchObject({ 'harbor.channel': 'sms' });
    expect(chain[0].attributes).toMatchObject({ 'http.route': 'trigger-submission', 'http.response.status_code': 202 });
    // An outbox publish span starts when its row was written, so the trace shows the time the event waited there.
    expect(chain[1].attributes).toMatchObject({ 'messaging.destination.name': topic('support.requested.v1') });

    // The other records of the case (lifecycle events to reporting, the page notice to matching) stay in the trace too.
    const reporting = await waitFor(async () => exporter.getFinishedSpans().find((span) => span.name === 'process org.harbor.case.lifecycle.v1' && span.spanContext().traceId === send.spanContext().traceId), 'reporting in the same trace');
    expect(reporting.instrumentationScope.name).toBe('harbor-reporting');

    // No span carries the clinician, the supporter, the page, its link or a phone number.
    const link = /(https?:\/\/\S+\/a\/\S+)/.exec(page.body)![1];
    const token = new URL(link).pathname.slice('/a/'.length);
    const secrets = ['Tracey', 'Spanner', 'Tracewell', '1234567893', '+15550001111', '+15550002222', '15550002222', token, page.body.slice(0, 30)];
    for (const span of exporter.getFinishedSpans()) {
      const text = JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, links: span.links });
      for (const secret of secrets) expect({ span: span.name, contains: text.includes(secret) ? secret : null }).toEqual({ span: span.name, contains: null });
    }
  });

  it('continues a trace the caller started (W3C traceparent on the request)', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await harbor.request('intake', '/v1/triage', { role: Role.ProgramAdmin, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.status).toBe(200);
    const span = await waitFor(async () => exporter.getFinishedSpans().find((candidate) => candidate.spanContext().traceId === traceId), 'the request span in the caller\'s trace');
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.name).toBe('GET program-staff-request');
  });
});
