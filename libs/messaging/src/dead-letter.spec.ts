import { deadLetterHeaders, DLQ_HEADER, DeadLetterReason } from './dead-letter';
import { EventValidationError } from './errors';

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
