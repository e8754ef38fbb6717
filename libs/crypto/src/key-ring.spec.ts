import { randomBytes } from 'node:crypto';
import { keyRingProblem, parseKeyRing } from './key-ring';

const key = () => randomBytes(32).toString('base64');

describe('parseKeyRing', () => {
  it('reads ids and keys in order: the first key is current', () => {
    const [a, b] = [key(), key()];
    const ring = parseKeyRing(` 2026-11:${a} , 2026-05:${b}`);
    expect(ring.current.id).toBe('2026-11');
    expect([...ring.byId.keys()]).toEqual(['2026-11', '2026-05']);
    expect(ring.byId.get('2026-05')!.material.equals(Buffer.from(b, 'base64'))).toBe(true);
  });

  it('accepts base64url keys without padding', () => {
    const raw = randomBytes(32);
    expect(parseKeyRing(`k:${raw.toString('base64url')}`).current.material.equals(raw)).toBe(true);
  });

  it.each([
    ['', /at least one key/],
    [' , ', /at least one key/],
    ['nokeyid', /key 1: must start with an id/],
    [`:${'A'.repeat(43)}=`, /key 1: must start with an id/],
    [`has space:${'A'.repeat(43)}=`, /key 1: must start with an id/],
    ['k:c2hvcnQ=', /key 1 \("k"\): must be the base64 of exactly 32 bytes/],
    [`k:${'A'.repeat(60)}`, /exactly 32 bytes/],
  ])('refuses %j, saying why', (text, message) => {
    expect(keyRingProblem(text)).toMatch(message);
  });

  it('refuses an id used twice, and never quotes key material', () => {
    const material = key();
    const problem = keyRingProblem(`k:${material},k:${key()}`);
    expect(problem).toMatch(/key 2: the id "k" is used twice/);
    expect(problem).not.toContain(material);
  });
});
