import { createHash } from 'node:crypto';
import { deadLetterHeaders, deadLetterTopicPolicy, DLQ_HEADER, DeadLetterReason, inboundDeadLetter } from './dead-letter';
import { EventValidationError, keepShape } from '@harbor/contracts';

const reason = (overrides: Partial<DeadLetterReason> = {}): DeadLetterReason => ({
  error: new EventValidationError('org.harbor.support.requested.v1', ['clinician.value: clinician.value should not be empty']),
  consumerGroup: 'harbor-matching',
  attempts: 3,
  firstFailedAt: new Date('2024-05-06T07:08:09.010Z'),
  topic: 'support.requested.v1',
  partition: 4,
  offset: '12345',
  ...overrides,
});

describe('deadLetterHeaders', () => {
  const original = { ce_id: 'abc', ce_type: 'org.harbor.support.requested.v1', traceparent: '00-x-y-01', correlation_id: 'c-1' };

  it('keeps every original header unchanged', () => {
    const headers = deadLetterHeaders(original, reason());
    expect(headers).toMatchObject(original);
  });

  it('adds why and where the record failed', () => {
    const headers = deadLetterHeaders(original, reason());
    expect(headers).toEqual({
      ...original,
      dlq_error_class: 'EventValidationError',
      dlq_error_message: 'org.harbor.support.requested.v1 failed validation: clinician.value: clinician.value should not be empty',
      dlq_consumer_group: 'harbor-matching',
      dlq_attempt_count: '3',
      dlq_first_failed_time: '2024-05-06T07:08:09.010Z',
      dlq_source_topic: 'support.requested.v1',
      dlq_source_partition: '4',
      dlq_source_offset: '12345',
    });
  });

  it('does not mutate the original headers object', () => {
    const copy = { ...original };
    deadLetterHeaders(copy, reason());
    expect(copy).toEqual(original);
  });

  it('overwrites stale dlq_* headers from an earlier dead-lettering of a replayed record', () => {
    const replayed = { ...original, [DLQ_HEADER.attempts]: '1', [DLQ_HEADER.errorClass]: 'OldError' };
    const headers = deadLetterHeaders(replayed, reason({ attempts: 5, error: new TypeError('x') }));
    expect(headers[DLQ_HEADER.attempts]).toBe('5');
    expect(headers[DLQ_HEADER.errorClass]).toBe('TypeError');
  });

  it('uses the error name, which Harbor errors set to their class', () => {
    class ChannelTimeoutError extends Error {
      override name = 'ChannelTimeoutError';
    }
    expect(deadLetterHeaders({}, reason({ error: new ChannelTimeoutError('slow') }))[DLQ_HEADER.errorClass]).toBe('ChannelTimeoutError');
  });

  it('wraps non-Error throwables', () => {
    const headers = deadLetterHeaders({}, reason({ error: 'plain string' }));
    expect(headers[DLQ_HEADER.errorClass]).toBe('Error');
    expect(headers[DLQ_HEADER.errorMessage]).toBe('plain string');
  });

  it('truncates long messages to 1000 characters', () => {
    const long = 'a'.repeat(999) + 'bXYZ-SECRET-PAYLOAD-TEXT';
    const headers = deadLetterHeaders({}, reason({ error: new Error(long) }));
    expect(headers[DLQ_HEADER.errorMessage]).toHaveLength(1000);
    expect(headers[DLQ_HEADER.errorMessage]).toBe('a'.repeat(999) + 'b');
    expect(headers[DLQ_HEADER.errorMessage]).not.toContain('SECRET');
  });

  it('keeps a message of exactly 1000 characters whole', () => {
    const exact = 'm'.repeat(1000);
    expect(deadLetterHeaders({}, reason({ error: new Error(exact) }))[DLQ_HEADER.errorMessage]).toBe(exact);
  });

  it('produces only string values (Kafka headers)', () => {
    const headers = deadLetterHeaders(original, reason());
    for (const value of Object.values(headers)) expect(typeof value).toBe('string');
  });
});

describe('keepShape', () => {
  const shape = { id: 'text', people: [{ identifier: { system: 'text', value: 'text' } }], flag: 'text' } as const;

  it('keeps only the fields the shape names, at every depth', () => {
    const record = { id: 'e1', narrative: 'long story', people: [{ identifier: { system: 's', value: 'v', name: 'Jane' }, name: 'Jane' }], flag: true };
    expect(keepShape(record, shape)).toEqual({ id: 'e1', people: [{ identifier: { system: 's', value: 'v' } }], flag: true });
  });

  it('drops values of the wrong kind, keeps list positions, and reads a single value where a list is allowed', () => {
    expect(keepShape({ id: { nested: 'x' }, people: ['x', { identifier: { system: 's', value: 'v' } }] }, shape)).toEqual({
      people: [null, { identifier: { system: 's', value: 'v' } }],
    });
    expect(keepShape({ people: { identifier: { system: 's', value: 'v' } } }, shape)).toEqual({ people: { identifier: { system: 's', value: 'v' } } });
  });

  it('cuts text to 200 characters and lists to 50 items', () => {
    const kept = keepShape({ id: 'x'.repeat(500), people: Array.from({ length: 80 }, () => ({})) }, shape) as { id: string; people: unknown[] };
    expect(kept.id).toHaveLength(200);
    expect(kept.people).toHaveLength(50);
  });

  it('lets a function decide, and never reads inherited properties', () => {
    expect(keepShape({ a: 1, b: 2 }, { a: (value: unknown) => (value === 1 ? 'one' : undefined), b: () => undefined })).toEqual({ a: 'one' });
    expect(keepShape(Object.create({ id: 'inherited' }), shape)).toEqual({});
  });
});

describe('inboundDeadLetter', () => {
  const view = (record: unknown) => keepShape(record, { source: 'text', sourceEventId: 'text' });
  const value = Buffer.from(JSON.stringify({ source: 'rl-datix', sourceEventId: 'INC-1', patient: { name: 'Jane Roe', mrn: '0042' }, narrative: 'what happened' }));
  const headers = { ce_type: 'org.harbor.incident.reported.v1', correlation_id: 'c-1', 'x-source-patient': 'Jane Roe', ce_subject: 'MRN 0042' };

  it('keeps the contract fields, the reason, where it came from and a digest of the original, nothing the source added', () => {
    const record = inboundDeadLetter({ key: 'k', value }, headers, reason({ topic: 'incidents.reported.v1' }), view);
    expect(JSON.parse(String(record.value))).toEqual({ source: 'rl-datix', sourceEventId: 'INC-1' });
    expect(record.key).toBe('k');
    expect(record.headers).toMatchObject({
      ce_type: 'org.harbor.incident.reported.v1',
      correlation_id: 'c-1',
      dlq_error_class: 'EventValidationError',
      dlq_source_topic: 'incidents.reported.v1',
      dlq_source_offset: '12345',
      dlq_value: 'reduced',
      dlq_original_sha256: createHash('sha256').update(value).digest('hex'),
      dlq_original_bytes: String(value.length),
    });
    expect(JSON.stringify(record)).not.toMatch(/Jane|0042|what happened/);
  });

  it('keeps no value when the record is not a JSON object, or the event declares no view', () => {
    for (const original of [Buffer.from('{not json'), Buffer.from('["Jane Roe"]'), Buffer.from('"Jane Roe"'), null]) {
      const record = inboundDeadLetter({ key: null, value: original }, {}, reason(), view);
      expect(record.value).toBeNull();
      expect(record.headers.dlq_value).toBe('none');
    }
    expect(inboundDeadLetter({ key: null, value }, {}, reason(), undefined).value).toBeNull();
  });

  it('a view that throws leaves the record without a value instead of failing the dead letter', () => {
    const record = inboundDeadLetter({ key: null, value }, {}, reason(), () => {
      throw new Error('view bug');
    });
    expect(record).toMatchObject({ value: null, headers: { dlq_value: 'none' } });
  });
});

describe('deadLetterTopicPolicy', () => {
  it('deletes after the retention, rolling segments at most hourly', () => {
    expect(deadLetterTopicPolicy(72)).toEqual({ retentionMs: 259_200_000, cleanupPolicy: 'delete', segmentMs: 3_600_000 });
    expect(deadLetterTopicPolicy(1)).toEqual({ retentionMs: 3_600_000, cleanupPolicy: 'delete', segmentMs: 3_600_000 });
  });
});
