import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * Binds an accepted offer's contact details to one browser. The browser keeps a random secret in an
 * HttpOnly cookie named after the assignment; the offer keeps only its SHA-256. A forwarded or leaked
 * link carries no cookie, so it never shows the contact.
 */
export interface ViewerCookie {
  /** The Set-Cookie header value. */
  header: string;
  /** What the offer stores (never the secret itself). */
  hash: string;
  /** The same secret for the encounter page (`/e/`), which shows the contact to the same browser, until `expiresAt`. */
  forEncounter(expiresAt: Date): string;
}

const COOKIE_PATH = '/a/';
const ENCOUNTER_COOKIE_PATH = '/e/';

export function viewerCookieName(assignmentId: string): string {
  return `harbor_viewer_${assignmentId}`;
}

/** A new secret for the browser answering now, valid until the link expires. */
export function newViewerCookie(assignmentId: string, expiresAt: Date, secure: boolean, now: Date = new Date()): ViewerCookie {
  const secret = randomBytes(32).toString('base64url');
  const cookie = (path: string, until: Date) => stringifySetCookie({
    name: viewerCookieName(assignmentId),
    value: secret,
    httpOnly: true,
    // Lax, not Strict: a supporter who opens the link again from a mail or chat app is still recognised.
    sameSite: 'lax',
    secure,
    path,
    maxAge: Math.max(0, Math.floor((until.getTime() - now.getTime()) / 1000)),
  });
  return { header: cookie(COOKIE_PATH, expiresAt), hash: viewerHash(secret), forEncounter: (until) => cookie(ENCOUNTER_COOKIE_PATH, until) };
}

/** Whether the request comes from the browser the offer is bound to. */
export function isBoundViewer(cookieHeader: string | undefined, assignmentId: string, boundHash: string | null): boolean {
  if (!cookieHeader || !boundHash) return false;
  const secret = parseCookie(cookieHeader)[viewerCookieName(assignmentId)];
  if (!secret) return false;
  const given = Buffer.from(viewerHash(secret));
  const expected = Buffer.from(boundHash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function viewerHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
