import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { checkSignature, signingInput, signRequest } from './request-signature';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OTHER_SECRET = 'another-secret-of-thirty-two-characters!';
const parts = { timestamp: '1764140000', method: 'POST', url: '/v1/incidents', body: Buffer.from('{"source":"rl-datix"}') };
const check = (overrides: Partial<Parameters<typeof checkSignature>[0]> = {}) =>
  checkSignature({ ...parts, signature: signRequest(SECRET, parts), secrets: [SECRET], nowSeconds: 1764140000, toleranceSeconds: 300, ...overrides });

describe('request signatures', () => {
  it('signs timestamp, method, URL and the exact body bytes with HMAC-SHA256 (what senders implement)', () => {
    const expected = createHmac('sha256', SECRET).update('1764140000\nPOST\n/v1/incidents\n{"source":"rl-datix"}').digest('hex');
    expect(signRequest(SECRET, parts)).toBe(`v1=${expected}`);
    expect(signingInput({ ...parts, method: 'post' }).toString()).toBe('1764140000\nPOST\n/v1/incidents\n{"source":"rl-datix"}');
  });

  it('accepts a fresh request signed with the secret, or with either secret while one is rotated', () => {
    expect(check()).toEqual({ valid: true });
    expect(check({ secrets: [OTHER_SECRET, SECRET] })).toEqual({ valid: true });
    expect(check({ signature: `${signRequest(OTHER_SECRET, parts)}, ${signRequest(SECRET, parts)}` })).toEqual({ valid: true });
  });

  it('accepts clock skew up to the tolerance and refuses beyond it, saying by how much', () => {
    expect(check({ nowSeconds: 1764140300 })).toEqual({ valid: true });
    expect(check({ nowSeconds: 1764139700 })).toEqual({ valid: true });
    expect(check({ nowSeconds: 1764140301 })).toEqual({ valid: false, problem: expect.stringMatching(/301 s from the server's clock; at most 300 s/) });
  });

  it('refuses a missing or non-numeric timestamp, a malformed header and a signature by another secret', () => {
    expect(check({ timestamp: '' })).toMatchObject({ valid: false, problem: expect.stringContaining('Unix seconds') });
    expect(check({ timestamp: '2026-11-26T10:00:00Z' })).toMatchObject({ valid: false, problem: expect.stringContaining('Unix seconds') });
    expect(check({ signature: 'sha256=abc' })).toMatchObject({ valid: false, problem: expect.stringContaining('v1=<hex') });
    expect(check({ signature: signRequest(OTHER_SECRET, parts) })).toMatchObject({ valid: false, problem: expect.stringContaining('does not match') });
  });

  it('refuses any change to what was signed: body, URL (query included), method or timestamp', () => {
    fc.assert(
      fc.property(
        fc.record({
          body: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
          url: fc.constantFrom('/v1/incidents', '/v1/lawsuits', '/fhir/AdverseEvent', '/v1/opt-outs?system=a&value=b'),
          method: fc.constantFrom('POST', 'DELETE'),
          timestamp: fc.integer({ min: 1764139800, max: 1764140200 }).map(String),
        }),
        (changed) => {
          const same = changed.body.equals(parts.body) && changed.url === parts.url && changed.method === parts.method && changed.timestamp === parts.timestamp;
          fc.pre(!same);
          expect(check({ ...changed }).valid).toBe(false);
        },
      ),
    );
  });
});
