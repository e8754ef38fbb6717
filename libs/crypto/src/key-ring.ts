/**
 * Symmetric keys with ids, so they can rotate: the first key seals, every key opens. Written as
 * `<id>:<base64 key>[,<id>:<base64 key>…]`, each key 32 random bytes (`openssl rand -base64 32`).
 */
export interface KeyRing {
  /** The key new data is sealed with. */
  readonly current: RingKey;
  /** Every key, the current one first, by id. */
  readonly byId: ReadonlyMap<string, RingKey>;
}

export interface RingKey {
  readonly id: string;
  readonly material: Buffer;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/** Parses a key ring, or throws a KeyRingError that says what is wrong without quoting any key. */
export function parseKeyRing(text: string): KeyRing {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new KeyRingError('must list at least one key as <id>:<base64 of 32 bytes>');
  const byId = new Map<string, RingKey>();
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator).trim();
    const encoded = separator < 0 ? '' : entry.slice(separator + 1).trim();
    const position = `key ${index + 1}`;
    if (!KEY_ID.test(id)) throw new KeyRingError(`${position}: must start with an id of 1-32 letters, digits, "_" or "-", then ":"`);
    if (byId.has(id)) throw new KeyRingError(`${position}: the id "${id}" is used twice`);
    if (!BASE64_KEY.test(encoded)) throw new KeyRingError(`${position} ("${id}"): must be the base64 of exactly ${KEY_BYTES} bytes`);
    byId.set(id, { id, material: Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64') });
  });
  return { current: byId.values().next().value!, byId };
}

/** What is wrong with a key ring's text, or undefined when it parses. */
export function keyRingProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'must be a list of keys as <id>:<base64 of 32 bytes>';
  try {
    parseKeyRing(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
