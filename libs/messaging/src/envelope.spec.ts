import { runWithContext } from '@harbor/observability';
import { AssignmentOffered, AssignmentOfferedV1, IncidentReported, IncidentReportedV1 } from '@harbor/contracts';
import { envelopeToHeaders, EventEnvelope, newEnvelope, readHeaders } from './envelope';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const PARENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${PARENT_TRACE_ID}-00f067aa0ba902b7-01`;

const offer = Object.assign(new AssignmentOfferedV1(), {
  assignmentId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  caseId: '3f2b8c1e-5d4a-4c3b-9a2e-1f0e9d8c7b6a',
  attempt: 1,
  supporterId: 'sup-1',
  channels: [{ kind: 'console' as const, address: '' }],
  respondBy: '2024-05-06T07:46:00Z',
});

describe('readHeaders', () => {
  it('returns an empty object for absent headers', () => {
    expect(readHeaders(undefined)).toEqual({});
    expect(readHeaders({})).toEqual({});
  });

  it('turns Buffer and string values into strings', () => {
    expect(readHeaders({ ce_id: Buffer.from('abc'), ce_type: 'org.harbor.x.v1' })).toEqual({ ce_id: 'abc', ce_type: 'org.harbor.x.v1' });
  });

  it('takes the first value of a repeated header', () => {
    expect(readHeaders({ ce_id: [Buffer.from('first'), Buffer.from('second')] })).toEqual({ ce_id: 'first' });
  });

  it('decodes UTF-8', () => {
    expect(readHeaders({ ce_source: Buffer.from('harbor/intake/größe', 'utf8') })).toEqual({ ce_source: 'harbor/intake/größe' });
  });

  it('drops undefined values and empty arrays', () => {
    expect(readHeaders({ a: undefined, b: [], c: Buffer.from('x') })).toEqual({ c: 'x' });
  });
});

describe('envelopeToHeaders', () => {
  const envelope: EventEnvelope = {
    id: 'id-1',
    type: 'org.harbor.assignment.offered.v1',
    source: 'harbor/matching',
    time: '2024-05-06T07:32:00.000Z',
    subject: 'assignment-1',
    traceparent: PARENT,
    correlationId: 'corr-1',
  };

  it('emits the CloudEvents binary-mode headers plus tracing and correlation', () => {
    expect(envelopeToHeaders(envelope)).toEqual({
      ce_specversion: '1.0',
      ce_id: 'id-1',
      ce_type: 'org.harbor.assignment.offered.v1',
      ce_source: 'harbor/matching',
      ce_time: '2024-05-06T07:32:00.000Z',
      ce_subject: 'assignment-1',
      'content-type': 'application/json',
      traceparent: PARENT,
      correlation_id: 'corr-1',
    });
  });

  it('omits ce_subject when the envelope has none', () => {
    expect(envelopeToHeaders({ ...envelope, subject: undefined })).not.toHaveProperty('ce_subject');
  });

  it('round-trips through Kafka-style Buffer headers', () => {
    const asKafka = Object.fromEntries(Object.entries(envelopeToHeaders(envelope)).map(([name, value]) => [name, Buffer.from(value)]));
    expect(readHeaders(asKafka)).toEqual(envelopeToHeaders(envelope));
  });
});

describe('newEnvelope', () => {
  it('fills the versioned type, source, subject, a fresh id and the current time', () => {
    const before = Date.now();
    const envelope = newEnvelope(AssignmentOffered, offer, 'harbor/matching');
    const after = Date.now();
    expect(envelope.type).toBe('org.harbor.assignment.offered.v1');
    expect(envelope.source).toBe('harbor/matching');
    expect(envelope.subject).toBe(offer.assignmentId);
    expect(envelope.id).toMatch(UUID);
    const time = Date.parse(envelope.time);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
    expect(newEnvelope(AssignmentOffered, offer, 'harbor/matching').id).not.toBe(envelope.id);
  });

  it('leaves the subject unset for an event type without one', () => {
    const incident = new IncidentReportedV1();
    expect(newEnvelope(IncidentReported, incident, 'harbor/intake').subject).toBeUndefined();
  });

  it('continues the correlation id and trace of the current unit of work', () => {
    const envelope = runWithContext({ correlationId: 'corr-from-request', traceparent: PARENT }, () =>
      newEnvelope(AssignmentOffered, offer, 'harbor/matching'),
    );
    expect(envelope.correlationId).toBe('corr-from-request');
    const [, traceId, spanId, flags] = TRACEPARENT.exec(envelope.traceparent) ?? [];
    expect(traceId).toBe(PARENT_TRACE_ID);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(flags).toBe('01');
  });

  it('keeps the correlation id but starts a new trace when the context has no valid traceparent', () => {
    const envelope = runWithContext({ correlationId: 'corr-1', traceparent: 'garbage' }, () => newEnvelope(AssignmentOffered, offer, 'm'));
    expect(envelope.correlationId).toBe('corr-1');
    expect(envelope.traceparent).toMatch(TRACEPARENT);
  });

  it('creates a new correlation id and trace outside any context', () => {
    const first = newEnvelope(AssignmentOffered, offer, 'harbor/matching');
    const second = newEnvelope(AssignmentOffered, offer, 'harbor/matching');
    expect(first.correlationId).toMatch(UUID);
    expect(first.traceparent).toMatch(TRACEPARENT);
    expect(second.correlationId).not.toBe(first.correlationId);
    expect(TRACEPARENT.exec(second.traceparent)?.[1]).not.toBe(TRACEPARENT.exec(first.traceparent)?.[1]);
  });

  it('does not leak one context into work outside it', async () => {
    await runWithContext({ correlationId: 'inner' }, async () => {
      await Promise.resolve();
      expect(newEnvelope(AssignmentOffered, offer, 'm').correlationId).toBe('inner');
    });
    expect(newEnvelope(AssignmentOffered, offer, 'm').correlationId).not.toBe('inner');
  });
});
