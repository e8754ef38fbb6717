import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Encounter links: `<assignment id>.<expiry, unix seconds>.<HMAC-SHA256 of "encounter." + id.expiry>`, signed
 * with the link secret but for their own purpose, so an encounter link is not an offer link (`/a/`) and an offer
 * link is not an encounter link. Anyone holding one may read the program's guide and record the encounter of
 * that one accepted assignment until it expires or the case closes; the clinician's contact still shows only to
 * the browser bound at acceptance.
 */
export function signEncounterLink(secret: string, assignmentId: string, expiresAt: Date): string {
  const parts = [assignmentId, String(Math.floor(expiresAt.getTime() / 1000))];
  return `${parts.join('.')}.${mac(secret, parts)}`;
}

export type EncounterLinkCheck =
  | { valid: true; assignmentId: string; expiresAt: Date }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyEncounterLink(secret: string, token: string, now: Date = new Date()): EncounterLinkCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^\d{1,12}$/.test(parts[1]) || !/^[0-9a-f-]{36}$/i.test(parts[0])) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, parts.slice(0, 2)));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' };
  const expiresAt = new Date(Number(parts[1]) * 1000);
  if (expiresAt.getTime() < now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, assignmentId: parts[0], expiresAt };
}

/**
 * Three dot-separated segments: never the input of an offer link (two segments) nor of a claim link (`claim:`
 * first), so no MAC of one kind verifies as another.
 */
function mac(secret: string, parts: string[]): string {
  return createHmac('sha256', secret).update(`encounter.${parts.join('.')}`).digest('base64url');
}
