import { randomFillSync } from 'node:crypto';

/** W3C Trace Context: `00-<trace-id>-<parent-id>-<flags>`. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isValidTraceparent(value: string | undefined): value is string {
  return !!value && TRACEPARENT.test(value) && !/^0+$/.test(value.slice(3, 35));
}

/**
 * Random bytes as hex, drawn from a pool refilled 4 KiB at a time: every event written gets a span id, and one
 * call into the system's generator per 512 of them costs far less than one each (randomUUID pools the same way).
 */
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;
function randomHex(bytes: number): string {
  if (randomPoolOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  randomPoolOffset += bytes;
  return randomPool.toString('hex', randomPoolOffset - bytes, randomPoolOffset);
}

/** A new span under the caller's trace, or a new trace when there is no valid parent. */
export function childTraceparent(parent?: string): string {
  const spanId = randomHex(8);
  if (isValidTraceparent(parent)) {
    const [, traceId, , flags] = TRACEPARENT.exec(parent)!;
    return `00-${traceId}-${spanId}-${flags}`;
  }
  return `00-${randomHex(16)}-${spanId}-01`;
}
