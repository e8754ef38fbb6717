import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links in pages: `<assignment id>.<expiry, unix seconds>.<HMAC-SHA256>`. Anyone holding the link may
 * answer that one offer until it expires; answering closes the offer, so a link answers once.
 *
 * Claim links: `<assignment id>.<expiry>.<nonce>.<HMAC-SHA256>`, sent to a supporter who accepted by SMS.
 * They answer nothing; the first browser to use one is the one shown the released contact.
 */
export function signLink(secret: string, assignmentId: string, expiresAt: Date, claimNonce?: string): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  const parts = claimNonce === undefined ? [assignmentId, String(expiry)] : [assignmentId, String(expiry), claimNonce];
  return `${parts.join('.')}.${mac(secret, parts)}`;
}

export type LinkCheck =
  | { valid: true; assignmentId: string; expiresAt: Date; claimNonce?: string }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyLink(secret: string, token: string, now: Date = new Date()): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 4) return { valid: false, reason: 'malformed' };
  if (!/^\d+$/.test(parts[1]) || (parts.length === 4 && !/^[A-Za-z0-9_-]{1,64}$/.test(parts[2]))) return { valid: false, reason: 'malformed' };
  const signed = parts.slice(0, -1);
  const expected = Buffer.from(mac(secret, signed));
  const given = Buffer.from(parts[parts.length - 1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' };
  const expiresAt = new Date(Number(parts[1]) * 1000);
  if (expiresAt.getTime() < now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, assignmentId: parts[0], expiresAt, ...(parts.length === 4 ? { claimNonce: parts[2] } : {}) };
}

/** Page links keep the MAC input they always had; claim links are domain-separated so neither passes as the other. */
function mac(secret: string, parts: string[]): string {
  const input = parts.length === 2 ? parts.join('.') : `claim:${parts.join('.')}`;
  return createHmac('sha256', secret).update(input).digest('base64url');
}
