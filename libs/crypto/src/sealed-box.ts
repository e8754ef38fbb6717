import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `<key id>.<iv>.<ciphertext>.<tag>`, base64url: a value sealed with AES-256-GCM under one key of a ring. */
export const SEALED_VALUE = /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

export type OpenFailure = 'malformed' | 'unknown-key' | 'not-authentic';

export class SealedBoxError extends Error {
  constructor(
    readonly reason: OpenFailure,
    /** The key id the value names, when it could be read (ids are not secret). */
    readonly keyId?: string,
  ) {
    super(reason === 'unknown-key' ? `sealed with key "${keyId}", which is not in the key ring` : `sealed value is ${reason}`);
    this.name = 'SealedBoxError';
  }
}

/**
 * Seals text with the ring's current key. `context` is authenticated but not stored (AES-GCM additional data):
 * a value opens only with the same context, so a sealed value cannot be moved to another record.
 */
export function seal(ring: KeyRing, plaintext: string, context: string): string {
  const key = ring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.material, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [key.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Opens a value sealed under any key of the ring, for the same context; throws SealedBoxError otherwise. */
export function open(ring: KeyRing, sealed: string, context: string): string {
  if (!SEALED_VALUE.test(sealed)) throw new SealedBoxError('malformed');
  const [keyId, iv, ciphertext, tag] = sealed.split('.');
  const key = ring.byId.get(keyId);
  if (!key) throw new SealedBoxError('unknown-key', keyId);
  try {
    const decipher = createDecipheriv(ALGORITHM, key.material, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedBoxError('not-authentic', keyId);
  }
}

