/**
 * Reading JSON a client or a hospital system sent, on HTTP and on Kafka alike. Size and nesting are checked
 * before JSON.parse (a scan that costs one pass and no recursion), and keys that name prototype machinery are
 * refused after it, so nothing downstream (class-transformer, validation, handlers) ever meets a document deep
 * enough to overflow the stack or an object whose `constructor` is data.
 */
export interface JsonLimits {
  /** Largest accepted document, in bytes. */
  maxBytes: number;
  /** Deepest accepted nesting of objects and arrays (the top-level value is depth 1). */
  maxDepth: number;
  /** Most values (objects, arrays and their members) accepted in one document; default DEFAULT_MAX_JSON_VALUES. */
  maxValues?: number;
}

/** The nesting every Harbor input fits in with room to spare (a FHIR AdverseEvent with contained resources needs < 10). */
export const DEFAULT_MAX_JSON_DEPTH = 32;

/**
 * Several times what any single trigger, roster change or FHIR resource holds (an incident naming 50 clinicians
 * has about 350 values). Transforming and validating a document costs the event loop in proportion to its
 * values (thousands of nested objects cost seconds), so this, not the byte size, bounds that cost. Kafka records
 * and bulk imports declare their own limits.
 */
export const DEFAULT_MAX_JSON_VALUES = 2_000;

/** Keys that reach an object's prototype or constructor when copied or transformed; refused wherever they appear. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type UntrustedJsonProblem = 'too-large' | 'not-json' | 'too-deep' | 'too-many-values' | 'refused-key';

/** Why a document was refused; the message (a predicate: "is not valid JSON") names the rule and a key's path, never the input's text. */
export class UntrustedJsonError extends Error {
  constructor(
    readonly problem: UntrustedJsonProblem,
    message: string,
    /** Dotted path of the offending key, for `refused-key`. */
    readonly field?: string,
    /** What is wrong with that key, for `refused-key`. */
    readonly rule?: string,
  ) {
    super(message);
    this.name = 'UntrustedJsonError';
  }
}

/** Parses a document within the limits, or throws an UntrustedJsonError saying which limit it broke. */
export function decodeUntrustedJson(input: Buffer | string, limits: JsonLimits): unknown {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (bytes > limits.maxBytes) throw new UntrustedJsonError('too-large', `is ${bytes} bytes; at most ${limits.maxBytes} are accepted`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const maxValues = limits.maxValues ?? DEFAULT_MAX_JSON_VALUES;
  const shape = documentShape(text, limits.maxDepth, maxValues);
  if (shape.depth > limits.maxDepth) {
    throw new UntrustedJsonError('too-deep', `nests objects or arrays deeper than ${limits.maxDepth} levels`);
  }
  if (shape.values > maxValues) throw new UntrustedJsonError('too-many-values', `holds more than ${maxValues} values`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own message quotes the input, which may hold free text: name only the problem.
    throw new UntrustedJsonError('not-json', `is not valid JSON (${bytes} bytes)`);
  }
  const refused = findRefusedKey(value);
  if (refused) throw new UntrustedJsonError('refused-key', `has a refused key at ${refused.field}: ${refused.message}`, refused.field, refused.message);
  return value;
}

/**
 * The deepest nesting of `[` and `{` outside strings, and about how many values the document holds (containers
 * plus members: each opening bracket and each comma starts one), stopping as soon as either passes its limit.
 * Malformed text gets some numbers; JSON.parse then refuses it.
 */
export function documentShape(text: string, maxDepth = Infinity, maxValues = Infinity): { depth: number; values: number } {
  let depth = 0;
  let deepest = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      values++;
      if (++depth > deepest) deepest = depth;
      if (deepest > maxDepth) break;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && ++values > maxValues) {
      break;
    }
  }
  return { depth: deepest, values };
}

/** Why a key is refused: it names prototype machinery, or it is empty (no field can be named by it). */
export function keyProblem(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return 'this key name is not accepted (__proto__, constructor, prototype)';
  if (key.length === 0) return 'an empty key is not accepted';
  return undefined;
}

/** The first refused key in a parsed document, query or form (whose depth is already bounded), with its dotted path. */
export function findRefusedKey(value: unknown): { field: string; message: string } | undefined {
  const found = refusedKeyAt(value, 0);
  return found && { field: found.path.join('.') || '(empty key)', message: found.message };
}

/** The path is built only on the way back from a find, so a clean document costs one visit per value. */
function refusedKeyAt(value: unknown, depth: number): { path: string[]; message: string } | undefined {
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = refusedKeyAt(value[i], depth + 1);
      if (found) return { path: [String(i), ...found.path], message: found.message };
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const message = keyProblem(key);
    if (message) return { path: [key], message };
    const found = refusedKeyAt((value as Record<string, unknown>)[key], depth + 1);
    if (found) return { path: [key, ...found.path], message: found.message };
  }
  return undefined;
}
