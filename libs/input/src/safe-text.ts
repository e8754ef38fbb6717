/**
 * Text Harbor stores must be text Postgres can store: no NUL character (text and jsonb refuse it) and no unpaired
 * UTF-16 surrogate (not Unicode; jsonb refuses its escape). One rule, applied by the validation every input passes
 * (the HTTP validation pipe and the contract validation of Kafka records), to keys and values alike.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a text problem is: the path of the value (array indexes as numbers) and what is wrong with it. */
export interface UnsafeText {
  path: (string | number)[];
  message: string;
}

/** Objects nested deeper are not walked; every decoded input is already bounded far below this. */
const MAX_WALK_DEPTH = 64;

/** What is wrong with one string, or undefined when it is safe to store. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  return undefined;
}

/** The first string or key in `value` that Postgres cannot store, with its path. */
export function findUnsafeText(value: unknown, depth = 0): UnsafeText | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { path: [], message } : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_WALK_DEPTH || value instanceof Date) return undefined;
  // The path is built only on the way back from a find, so a clean document costs one visit per value.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], depth + 1);
      if (found) return { path: [i, ...found.path], message: found.message };
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const keyMessage = textProblem(key);
    if (keyMessage) return { path: [key], message: `key ${keyMessage}` };
    const found = findUnsafeText((value as Record<string, unknown>)[key], depth + 1);
    if (found) return { path: [key, ...found.path], message: found.message };
  }
  return undefined;
}

/** `a.0.b`, the way validation names fields; `fallback` for the document itself. */
export function dottedPath(path: (string | number)[], fallback = 'body'): string {
  return path.length === 0 ? fallback : path.join('.');
}
