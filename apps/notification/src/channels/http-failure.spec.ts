import { httpFailure, isRetryableStatus, parseRetryAfter, transportFailure } from './http-failure';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => expect(parseRetryAfter('7', now)).toBe(7000));
  it('reads an HTTP date relative to now', () => expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000));
  it('never returns a negative wait for a past date', () => expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0));
  it.each([[undefined], [null], [''], ['soon'], ['-3'], ['1.5']])('ignores %j', (value) => expect(parseRetryAfter(value, now)).toBeUndefined());
});

describe('httpFailure', () => {
  it.each([[500, true], [503, true], [429, true], [408, true], [400, false], [401, false], [404, false]])('status %i retryable=%s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
    const error = httpFailure('sms', status);
    expect(error.retryable).toBe(retryable);
    expect(error.reason).toBe(`http-${status}`);
  });
  it('carries Retry-After', () => expect(httpFailure('pagerduty', 429, '3').retryAfterMs).toBe(3000));
});

describe('transportFailure', () => {
  it('names a timeout', () => expect(transportFailure('sms', Object.assign(new Error('x'), { name: 'TimeoutError' })).reason).toBe('timeout'));
  it('names the socket error code only', () => {
    const error = transportFailure('email', Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:25'), { code: 'ECONNREFUSED' }));
    expect(error.reason).toBe('network-ECONNREFUSED');
    expect(error.retryable).toBe(true);
  });
  it('marks a send that may have reached the provider as ambiguous, and a refused connection as not', () => {
    expect(transportFailure('sms', Object.assign(new Error('x'), { name: 'TimeoutError' })).ambiguous).toBe(true);
    expect(transportFailure('sms', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).ambiguous).toBe(true);
    expect(transportFailure('sms', Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).ambiguous).toBe(false);
    expect(httpFailure('sms', 500).ambiguous).toBe(false);
  });
});
