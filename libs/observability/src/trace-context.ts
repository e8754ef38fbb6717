import { randomBytes } from 'node:crypto';

/** W3C Trace Context: `00-<trace-id>-<parent-id>-<flags>`. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isValidTraceparent(value: string | undefined): value is string {
  return !!value && TRACEPARENT.test(value) && !/^0+$/.test(value.slice(3, 35));
}

/** A new span under the caller's trace, or a new trace when there is no valid parent. */
export function childTraceparent(parent?: string): string {
  const spanId = randomBytes(8).toString('hex');
  if (isValidTraceparent(parent)) {
    const [, traceId, , flags] = TRACEPARENT.exec(parent)!;
    return `00-${traceId}-${spanId}-${flags}`;
  }
  return `00-${randomBytes(16).toString('hex')}-${spanId}-01`;
}
