import { randomBytes } from 'node:crypto';
import type { Role } from '@harbor/auth';

/** What a console session holds: the person's token and roles, never anything about a case. */
declare module 'express-session' {
  interface SessionData {
    /** Between the redirect to the provider and its callback. */
    login?: { state: string; nonce: string; codeVerifier: string; returnTo: string };
    user?: { subject: string; name: string; roles: Role[] };
    accessToken?: string;
    idToken?: string;
    /** Epoch ms: the session ends here (the access token's expiry, at most CONSOLE_SESSION_MAX_MINUTES). */
    expiresAt?: number;
    csrf?: string;
    flash?: { kind: 'ok' | 'problem'; text: string };
  }
}

/** The session ends when the access token does, and never later than the configured maximum. */
export function sessionExpiry(tokenExpiresAtMs: number | undefined, maxMinutes: number, nowMs: number): number {
  const longest = nowMs + maxMinutes * 60_000;
  return tokenExpiresAtMs === undefined ? longest : Math.min(tokenExpiresAtMs, longest);
}

/** Only a path on the console itself may be where sign-in returns to (no open redirect). */
export function safeReturnPath(candidate: unknown): string {
  return typeof candidate === 'string' && /^\/(?![/\\])[^\s]*$/.test(candidate) && candidate.length <= 500 ? candidate : '/';
}

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}
