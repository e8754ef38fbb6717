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
}

/** The nesting every Harbor input fits in with room to spare (a FHIR AdverseEvent with contained resources needs < 10). */
export const DEFAULT_MAX_JSON_DEPTH = 32;

/** Keys that reach an object's prototype or constructor when copied or transformed; refused wherever they appear. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type UntrustedJsonProblem = 'too-large' | 'not-json' | 'too-deep' | 'refused-key';

/** Why a document was refused; the message names the rule (and the key's path), never the input's text. */
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
  if (bytes > limits.maxBytes) throw new UntrustedJsonError('too-large', `the document is ${bytes} bytes; at most ${limits.maxBytes} are accepted`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    throw new UntrustedJsonError('too-deep', `the document nests objects or arrays deeper than ${limits.maxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own message quotes the input, which may hold free text: name only the problem.
    throw new UntrustedJsonError('not-json', `the document is not well-formed JSON (${bytes} bytes)`);
  }
  const refused = findRefusedKey(value);
  if (refused) throw new UntrustedJsonError('refused-key', `${refused.field}: ${refused.message}`, refused.field, refused.message);
  return value;
}

/**
 * The deepest nesting of `[` and `{` outside strings, stopping as soon as it passes `stopAbove`. Malformed text
 * gets some number; JSON.parse then refuses it.
 */
export function nestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Why a key is refused: it names prototype machinery, or it is empty (no field can be named by it). */
export function keyProblem(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return 'this key name is not accepted (__proto__, constructor, prototype)';
  if (key.length === 0) return 'an empty key is not accepted';
  return undefined;
}

/** The first refused key in a parsed document, query or form (whose depth is already bounded), with its dotted path. */
export function findRefusedKey(value: unknown, path = '', depth = 0): { field: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const key of Object.keys(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const message = Array.isArray(value) ? undefined : keyProblem(key);
    if (message) return { field: childPath || '(empty key)', message };
    const found = findRefusedKey((value as Record<string, unknown>)[key], childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
