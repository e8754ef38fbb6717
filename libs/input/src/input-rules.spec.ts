import fc from 'fast-check';
import { decodeUntrustedJson, documentShape, findRefusedKey, UntrustedJsonError } from './untrusted-json';
import { dottedPath, findUnsafeText } from './safe-text';
import { isRfc3339, parseRfc3339 } from './rfc3339';

describe('RFC 3339 dates', () => {
  it.each([
    '2026-W48-4', '2026W48', '+2026-11-26', '2026', '2026-11-26T10,5Z', '2026-02-30', '2025-02-29', '2026-11-26T10:00:00+25:00', '2026-11-26T10:00:00+14:01',
    '20261126', '2026-330', '2026-11-26T24:00:00Z', '2026-11-26T10:60:00Z', '2026-11-26T10:00:60Z', '0999-12-31', '2026-11-26T10:00', '2026-11-26T10:00:00',
    '2026-11', '-2026-11-26', '9999-12-31T23:00:00-14:00', '1000-01-01T00:00:00+00:01', '2026-11-26 10:00:00Z', '2026-11-26t10:00:00z', '2026-11-26T10:00:00.Z', '2026-11-26T10:00:00.1234567890Z', ' 2026-11-26', '２０２６-11-26',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it.each([
    ['2026-11-26', '2026-11-26T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-26T10:30:00Z', '2026-11-26T10:30:00.000Z'],
    ['2026-11-26T10:30:00.123456789+01:30', '2026-11-26T09:00:00.123Z'],
    ['2026-11-26T10:30:00-14:00', '2026-11-27T00:30:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
    ['9999-12-31T23:00:00+14:00', '9999-12-31T09:00:00.000Z'],
  ])('reads %s as %s', (text, instant) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(instant);
  });

  it('accepts every instant JavaScript writes between the years 1000 and 9999, and reads it back unchanged', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
      expect(parseRfc3339(date.toISOString())?.getTime()).toBe(date.getTime());
    }));
  });

  it('never accepts a text Postgres or Date would read differently (random strings)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
      if (isRfc3339(text)) expect(Number.isNaN(Date.parse(text))).toBe(false);
    }));
  });
});

describe('untrusted JSON', () => {
  const limits = { maxBytes: 10_000, maxDepth: 4, maxValues: 50 };
  const problemOf = (text: string) => {
    try {
      decodeUntrustedJson(text, limits);
      return 'accepted';
    } catch (error) {
      return (error as UntrustedJsonError).problem;
    }
  };

  it('checks depth, size and count before parsing, and keys after', () => {
    expect(problemOf('[[[[1]]]]')).toBe('accepted');
    expect(problemOf('[[[[[1]]]]]')).toBe('too-deep');
    expect(problemOf(`${'['.repeat(100_000)}`.slice(0, 9_000))).toBe('too-deep');
    expect(problemOf(`"${'a'.repeat(10_000)}"`)).toBe('too-large');
    expect(problemOf(`[${Array(60).fill(1).join(',')}]`)).toBe('too-many-values');
    expect(problemOf('{"a":[{"constructor":1}]}')).toBe('refused-key');
    expect(problemOf('{"__proto__":{"x":1}}')).toBe('refused-key');
    expect(problemOf('{"":1}')).toBe('refused-key');
    expect(problemOf('{"a":"[[[[[[[[[["}')).toBe('accepted');
    expect(problemOf('{"a":"\\"[[[[[[[[[["}')).toBe('accepted');
    expect(problemOf('{"a":')).toBe('not-json');
  });

  it('names the refused key by its path, and never quotes the document', () => {
    expect(findRefusedKey(JSON.parse('{"a":[{"b":{"prototype":1}}]}'))).toEqual({ field: 'a.0.b.prototype', message: expect.stringContaining('not accepted') });
    try {
      decodeUntrustedJson('{"secret patient name": ', limits);
    } catch (error) {
      expect((error as Error).message).not.toContain('patient');
    }
  });

  it('its depth matches the real depth of any JSON document', () => {
    const depthOf = (value: unknown): number => (typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      expect(documentShape(JSON.stringify(value)).depth).toBe(depthOf(value));
    }));
  });
});

describe('safe text', () => {
  it('finds NUL characters and unpaired surrogates in values and keys, with their path', () => {
    expect(findUnsafeText({ a: [{ b: 'x\u0000' }] })).toEqual({ path: ['a', 0, 'b'], message: 'must not contain NUL characters' });
    expect(findUnsafeText({ a: '\uD800' })?.path).toEqual(['a']);
    expect(findUnsafeText({ a: 'x\uDC00' })?.path).toEqual(['a']);
    expect(findUnsafeText({ 'k\u0000': 1 })?.message).toBe('key must not contain NUL characters');
    expect(findUnsafeText({ a: '😀 ok', b: ['é'] })).toBeUndefined();
    expect(dottedPath(['a', 0, 'b'])).toBe('a.0.b');
  });
});
