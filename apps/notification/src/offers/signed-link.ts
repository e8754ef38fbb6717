import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Accept/decline links: `<assignment id>.<expiry, unix seconds>.<HMAC-SHA256>`. Anyone holding the link may
 * answer that one offer until it expires; answering closes the offer, so a link works once.
 */
export function signLink(secret: string, assignmentId: string, expiresAt: Date): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${assignmentId}.${expiry}.${mac(secret, assignmentId, expiry)}`;
}

export type LinkCheck = { valid: true; assignmentId: string } | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyLink(secret: string, token: string, now: Date = new Date()): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^\d+$/.test(parts[1])) return { valid: false, reason: 'malformed' };
  const [assignmentId, expiryText, signature] = parts;
  const expected = Buffer.from(mac(secret, assignmentId, Number(expiryText)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' };
  if (Number(expiryText) * 1000 < now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, assignmentId };
}

function mac(secret: string, assignmentId: string, expiry: number): string {
  return createHmac('sha256', secret).update(`${assignmentId}.${expiry}`).digest('base64url');
}
