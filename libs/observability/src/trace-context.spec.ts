import fc from 'fast-check';
import { childTraceparent, isValidTraceparent } from './trace-context';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const parts = (traceparent: string) => {
  const match = TRACEPARENT.exec(traceparent);
  if (!match) throw new Error(`not a traceparent: ${traceparent}`);
  return { traceId: match[1], spanId: match[2], flags: match[3] };
};

describe('isValidTraceparent', () => {
  it('accepts a well-formed W3C traceparent', () => {
    expect(isValidTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toBe(true);
    expect(isValidTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)).toBe(true);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an unknown version', `01-${TRACE_ID}-${SPAN_ID}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['a short span id', `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01`],
    ['a missing flags field', `00-${TRACE_ID}-${SPAN_ID}`],
    ['trailing text', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['non-hex characters', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
  ])('rejects %s', (_label, value) => {
    expect(isValidTraceparent(value)).toBe(false);
  });
});

describe('childTraceparent', () => {
  it('keeps the trace id and flags of a valid parent and makes a new span id', () => {
    for (const flags of ['00', '01']) {
      const child = parts(childTraceparent(`00-${TRACE_ID}-${SPAN_ID}-${flags}`));
      expect(child.traceId).toBe(TRACE_ID);
      expect(child.flags).toBe(flags);
      expect(child.spanId).not.toBe(SPAN_ID);
    }
  });

  it('gives each child of the same parent its own span id', () => {
    const parent = `00-${TRACE_ID}-${SPAN_ID}-01`;
    const spans = new Set(Array.from({ length: 50 }, () => parts(childTraceparent(parent)).spanId));
    expect(spans.size).toBe(50);
  });

  it('keeps ids unique and well-formed across refills of its random pool', () => {
    // 3,000 new traces draw 72,000 random bytes: the 4 KiB pool is refilled 17 times, trace and span ids interleaved.
    const children = Array.from({ length: 3000 }, () => parts(childTraceparent()));
    expect(new Set(children.map((child) => child.spanId)).size).toBe(children.length);
    expect(new Set(children.map((child) => child.traceId)).size).toBe(children.length);
    expect(children.every((child) => !/^0+$/.test(child.traceId))).toBe(true);
  });

  it.each([
    ['absent', undefined],
    ['garbage', 'not-a-traceparent'],
    ['with an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
  ])('starts a fresh, valid, sampled trace when the parent is %s', (_label, parent) => {
    const child = childTraceparent(parent);
    expect(isValidTraceparent(child)).toBe(true);
    expect(parts(child).traceId).not.toBe('0'.repeat(32));
    expect(parts(child).flags).toBe('01');
  });

  it('starts a different trace each time there is no parent', () => {
    expect(parts(childTraceparent()).traceId).not.toBe(parts(childTraceparent()).traceId);
  });

  it('property: for any valid parent the child is valid, in the same trace, with the same flags', () => {
    const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
    fc.assert(
      fc.property(hex(32).filter((id) => /[1-9a-f]/.test(id)), hex(16), hex(2), (traceId, spanId, flags) => {
        const child = childTraceparent(`00-${traceId}-${spanId}-${flags}`);
        expect(isValidTraceparent(child)).toBe(true);
        expect(parts(child)).toMatchObject({ traceId, flags });
      }),
    );
  });

  it('property: anything that is not a valid traceparent yields a valid one', () => {
    fc.assert(
      fc.property(fc.string(), (parent) => {
        fc.pre(!isValidTraceparent(parent));
        expect(isValidTraceparent(childTraceparent(parent))).toBe(true);
      }),
    );
  });
});
