import { randomUUID } from 'node:crypto';
import { signLink, verifyLink } from '../offers/signed-link';
import { signEncounterLink, verifyEncounterLink } from './encounter-link';

const SECRET = 'encounter-link-spec-secret';

describe('encounter links', () => {
  const id = randomUUID();
  const later = new Date(Date.now() + 3_600_000);

  it('verify with their secret until they expire', () => {
    expect(verifyEncounterLink(SECRET, signEncounterLink(SECRET, id, later))).toEqual({ valid: true, assignmentId: id, expiresAt: new Date(Math.floor(later.getTime() / 1000) * 1000) });
    expect(verifyEncounterLink('another-secret-of-16+', signEncounterLink(SECRET, id, later))).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyEncounterLink(SECRET, signEncounterLink(SECRET, id, new Date(Date.now() - 1000)))).toEqual({ valid: false, reason: 'expired' });
    expect(verifyEncounterLink(SECRET, 'not-a-token')).toEqual({ valid: false, reason: 'malformed' });
  });

  it('are not offer links, claim links are not encounter links, and the reverse', () => {
    expect(verifyLink(SECRET, signEncounterLink(SECRET, id, later))).toMatchObject({ valid: false });
    expect(verifyEncounterLink(SECRET, signLink(SECRET, id, later))).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(verifyEncounterLink(SECRET, signLink(SECRET, id, later, 'nonce'))).toMatchObject({ valid: false });
    // An encounter MAC does not verify an offer link whose id smuggles the purpose in.
    const [, expiry, mac] = signEncounterLink(SECRET, id, later).split('.');
    expect(verifyLink(SECRET, `encounter.${id}.${expiry}.${mac}`)).toMatchObject({ valid: false });
  });
});
