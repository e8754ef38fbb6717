import fc from 'fast-check';
import { signLink, verifyLink } from './signed-link';

const SECRET = 'test-link-secret-0123456789';
const ASSIGNMENT = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const OTHER_ASSIGNMENT = '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e';
const EXPIRES = new Date('2024-05-06T08:00:00Z');
const BEFORE = new Date('2024-05-06T07:30:00Z');

const token = () => signLink(SECRET, ASSIGNMENT, EXPIRES);
const [, EXPIRY, SIGNATURE] = token().split('.');

describe('signLink / verifyLink', () => {
  it('has the form <assignment id>.<expiry seconds>.<base64url MAC>', () => {
    expect(token()).toMatch(new RegExp(`^${ASSIGNMENT}\\.1714982400\\.[A-Za-z0-9_-]{43}$`));
  });

  it('round-trips: a fresh link verifies for its assignment', () => {
    expect(verifyLink(SECRET, token(), BEFORE)).toEqual({ valid: true, assignmentId: ASSIGNMENT, expiresAt: new Date('2024-05-06T08:00:00Z') });
  });

  it('is deterministic for the same inputs and differs per assignment', () => {
    expect(token()).toBe(signLink(SECRET, ASSIGNMENT, EXPIRES));
    expect(signLink(SECRET, OTHER_ASSIGNMENT, EXPIRES).split('.')[2]).not.toBe(SIGNATURE);
  });

  describe('bad signatures', () => {
    it('rejects a signature with one character changed', () => {
      const flipped = SIGNATURE[0] === 'A' ? 'B' : 'A';
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${EXPIRY}.${flipped}${SIGNATURE.slice(1)}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('rejects a truncated or empty signature', () => {
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${EXPIRY}.${SIGNATURE.slice(0, -1)}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${EXPIRY}.`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('rejects another assignment id under this signature', () => {
      expect(verifyLink(SECRET, `${OTHER_ASSIGNMENT}.${EXPIRY}.${SIGNATURE}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('rejects an extended expiry', () => {
      const later = String(Number(EXPIRY) + 86_400);
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${later}.${SIGNATURE}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('rejects an extended expiry even after the original one has passed', () => {
      const later = String(Number(EXPIRY) + 86_400);
      const afterOriginal = new Date(EXPIRES.getTime() + 3_600_000);
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${later}.${SIGNATURE}`, afterOriginal)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('rejects a link signed with another secret', () => {
      expect(verifyLink('another-secret-of-enough-length', token(), BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('checks the signature before the expiry (a forged link is never reported as merely expired)', () => {
      const afterExpiry = new Date(EXPIRES.getTime() + 1000);
      expect(verifyLink('another-secret-of-enough-length', token(), afterExpiry)).toEqual({ valid: false, reason: 'bad-signature' });
    });
  });

  describe('expiry', () => {
    it('is valid up to and including the expiry second', () => {
      expect(verifyLink(SECRET, token(), EXPIRES).valid).toBe(true);
    });

    it('is expired once the expiry has passed', () => {
      expect(verifyLink(SECRET, token(), new Date(EXPIRES.getTime() + 1000))).toEqual({ valid: false, reason: 'expired' });
      expect(verifyLink(SECRET, token(), new Date('2030-01-01T00:00:00Z'))).toEqual({ valid: false, reason: 'expired' });
    });

    it('rounds a sub-second expiry down, never extending the link', () => {
      const expiresAt = new Date('2024-05-06T08:00:00.900Z');
      const link = signLink(SECRET, ASSIGNMENT, expiresAt);
      expect(link.split('.')[1]).toBe('1714982400');
      expect(verifyLink(SECRET, link, new Date('2024-05-06T08:00:00.500Z'))).toEqual({ valid: false, reason: 'expired' });
    });
  });

  describe('malformed tokens', () => {
    it.each([
      ['empty', ''],
      ['one part', ASSIGNMENT],
      ['two parts', `${ASSIGNMENT}.${EXPIRY}`],
      ['five parts', `${ASSIGNMENT}.${EXPIRY}.nonce.${SIGNATURE}.x`],
      ['a claim nonce with other characters', `${ASSIGNMENT}.${EXPIRY}.no/nce.${SIGNATURE}`],
      ['a non-numeric expiry', `${ASSIGNMENT}.soon.${SIGNATURE}`],
      ['a negative expiry', `${ASSIGNMENT}.-1.${SIGNATURE}`],
      ['a fractional expiry', `${ASSIGNMENT}.1714982400,5.${SIGNATURE}`],
      ['an empty expiry', `${ASSIGNMENT}..${SIGNATURE}`],
    ])('rejects %s', (_label, value) => {
      expect(verifyLink(SECRET, value, BEFORE)).toEqual({ valid: false, reason: 'malformed' });
    });
  });

  describe('claim links', () => {
    const NONCE = 'q1w2e3r4t5y6u7i8o9p0aZ';
    const claim = () => signLink(SECRET, ASSIGNMENT, EXPIRES, NONCE);

    it('carry their nonce, signed with the rest', () => {
      expect(claim()).toMatch(new RegExp(`^${ASSIGNMENT}\\.1714982400\\.${NONCE}\\.[A-Za-z0-9_-]{43}$`));
      expect(verifyLink(SECRET, claim(), BEFORE)).toEqual({ valid: true, assignmentId: ASSIGNMENT, expiresAt: EXPIRES, claimNonce: NONCE });
    });

    it('cannot be made from a page link, nor a page link from a claim link', () => {
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${EXPIRY}.${NONCE}.${SIGNATURE}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
      const claimSignature = claim().split('.')[3];
      expect(verifyLink(SECRET, `${ASSIGNMENT}.${EXPIRY}.${claimSignature}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });

    it('a changed nonce does not verify', () => {
      const [id, expiry, , signature] = claim().split('.');
      expect(verifyLink(SECRET, `${id}.${expiry}.${NONCE.replace('q', 'Q')}.${signature}`, BEFORE)).toEqual({ valid: false, reason: 'bad-signature' });
    });
  });

  describe('properties', () => {
    const tokenChar = fc.constantFrom(...'0123456789abcdefABCDEF-_.xyz/+=');

    it('any single-character replacement never verifies (and so never for a different assignment)', () => {
      const original = token();
      fc.assert(
        fc.property(fc.nat({ max: original.length - 1 }), tokenChar, (position, replacement) => {
          fc.pre(original[position] !== replacement);
          const tampered = original.slice(0, position) + replacement + original.slice(position + 1);
          expect(verifyLink(SECRET, tampered, BEFORE).valid).toBe(false);
        }),
        { numRuns: 1000 },
      );
    });

    it('no single-character insertion or deletion verifies for a different assignment', () => {
      const original = token();
      fc.assert(
        fc.property(fc.nat({ max: original.length }), fc.option(tokenChar, { nil: undefined }), (position, inserted) => {
          const tampered = inserted === undefined
            ? original.slice(0, position) + original.slice(position + 1)
            : original.slice(0, position) + inserted + original.slice(position);
          fc.pre(tampered !== original);
          const check = verifyLink(SECRET, tampered, BEFORE);
          if (check.valid) expect(check.assignmentId).toBe(ASSIGNMENT);
        }),
        { numRuns: 1000 },
      );
    });

    it('round-trips for any assignment id without dots and any future expiry', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.uuid(), fc.string({ minLength: 1 }).filter((id) => !id.includes('.'))),
          fc.string({ minLength: 1 }),
          fc.integer({ min: 1, max: 10_000_000 }),
          (assignmentId, secret, secondsAhead) => {
            const now = new Date('2024-05-06T07:30:00Z');
            const link = signLink(secret, assignmentId, new Date(now.getTime() + secondsAhead * 1000));
            expect(verifyLink(secret, link, now)).toMatchObject({ valid: true, assignmentId });
          },
        ),
      );
    });
  });
});
