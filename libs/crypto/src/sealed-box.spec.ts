import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { parseKeyRing } from './key-ring';
import { open, seal, SEALED_VALUE, SealedBoxError } from './sealed-box';

const key = () => randomBytes(32).toString('base64');

function failure(run: () => unknown): SealedBoxError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SealedBoxError);
    return error as SealedBoxError;
  }
  throw new Error('expected the value not to open');
}

describe('sealed box (AES-256-GCM with a key ring)', () => {
  const old = key();
  const current = key();
  const before = parseKeyRing(`old:${old}`);
  const rotated = parseKeyRing(`new:${current},old:${old}`);

  it('property: what is sealed opens to the same text, and the sealed form never contains it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 300 }), fc.string({ maxLength: 60 }), (text, context) => {
        const sealed = seal(rotated, text, context);
        expect(sealed).toMatch(SEALED_VALUE);
        expect(sealed.startsWith('new.')).toBe(true);
        expect(open(rotated, sealed, context)).toBe(text);
        if (text.length >= 4) expect(sealed).not.toContain(text);
      }),
    );
  });

  it('rotation: a value sealed under the old key still opens with the rotated ring; new values use the new key', () => {
    const sealedBefore = seal(before, '{"displayName":"Dr. Rotation"}', 'ctx');
    expect(open(rotated, sealedBefore, 'ctx')).toBe('{"displayName":"Dr. Rotation"}');
    expect(seal(rotated, 'x', 'ctx').split('.')[0]).toBe('new');
  });

  it('a key dropped from the ring no longer opens its values, naming the key id', () => {
    const sealed = seal(before, 'secret', 'ctx');
    const error = failure(() => open(parseKeyRing(`new:${current}`), sealed, 'ctx'));
    expect(error).toMatchObject({ reason: 'unknown-key', keyId: 'old' });
  });

  it('refuses another context, a changed byte, a swapped key and a malformed value', () => {
    const sealed = seal(rotated, 'secret', 'assignment-1');
    expect(failure(() => open(rotated, sealed, 'assignment-2')).reason).toBe('not-authentic');
    const [id, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(failure(() => open(rotated, [id, iv, flipped.toString('base64url'), tag].join('.'), 'assignment-1')).reason).toBe('not-authentic');
    expect(failure(() => open(parseKeyRing(`new:${key()}`), sealed, 'assignment-1')).reason).toBe('not-authentic');
    expect(failure(() => open(rotated, 'not-sealed', 'assignment-1')).reason).toBe('malformed');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(rotated, 'same', 'ctx')).not.toBe(seal(rotated, 'same', 'ctx'));
  });
});
