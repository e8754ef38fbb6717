import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * The self-referral form's defence against cross-site submission: a signed double-submit token. The browser
 * keeps a random value in an HttpOnly, SameSite=Strict cookie; each rendered form carries its own id, the time it
 * was made and an HMAC (server key) over cookie value, form id and time. A post is taken only with the cookie and
 * a matching, unexpired token, and only when the browser's Sec-Fetch-Site / Origin headers, where sent, say it came
 * from this origin. Another site can neither read the token nor make one for the victim's cookie.
 */
export const FORM_COOKIE = 'harbor_refer';
export const FORM_COOKIE_PATH = '/refer';
/** A form older than this is refused (the person reloads the page). */
export const FORM_TTL_SECONDS = 2 * 60 * 60;

export interface IssuedForm {
  token: string;
  /** The form's own id: a post of the same form again is the same referral. */
  formId: string;
  /** A Set-Cookie header when the browser had no cookie yet. */
  setCookie?: string;
}

export type FormCheck = { ok: true; formId: string } | { ok: false; reason: 'cross-site' | 'no-cookie' | 'bad-token' | 'expired' };

export interface RequestFacts {
  cookieHeader?: string;
  host?: string;
  origin?: string;
  secFetchSite?: string;
}

export class FormTokens {
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {}

  /** A token for a new form, bound to the browser's cookie (made now if it has none). */
  issue(cookieHeader: string | undefined, now = new Date()): IssuedForm {
    let binding = cookieValue(cookieHeader);
    let setCookie: string | undefined;
    if (!binding) {
      binding = randomBytes(32).toString('base64url');
      setCookie = stringifySetCookie({ name: FORM_COOKIE, value: binding, httpOnly: true, sameSite: 'strict', secure: this.secure, path: FORM_COOKIE_PATH });
    }
    const formId = randomUUID();
    const issuedAt = Math.floor(now.getTime() / 1000);
    return { token: `${formId}.${issuedAt}.${this.mac(binding, formId, issuedAt)}`, formId, setCookie };
  }

  /** Whether a post may be taken: same origin (where the browser says), the cookie, and a valid, fresh token. */
  check(token: unknown, request: RequestFacts, now = new Date()): FormCheck {
    if (!sameOrigin(request)) return { ok: false, reason: 'cross-site' };
    const binding = cookieValue(request.cookieHeader);
    if (!binding) return { ok: false, reason: 'no-cookie' };
    const match = typeof token === 'string' ? /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
    if (!match) return { ok: false, reason: 'bad-token' };
    const [, formId, issued, mac] = match;
    const expected = Buffer.from(this.mac(binding, formId, Number(issued)));
    if (!timingSafeEqual(expected, Buffer.from(mac))) return { ok: false, reason: 'bad-token' };
    const age = now.getTime() / 1000 - Number(issued);
    if (age > FORM_TTL_SECONDS || age < -60) return { ok: false, reason: 'expired' };
    return { ok: true, formId };
  }

  /**
   * The referral id of a post: the form's id with a keyed digest of what was entered, so the same form posted
   * again with the same content (a double click, a reload) is one referral, and a changed one a new referral. Keyed,
   * so the stored id says nothing about a name or number.
   */
  submissionId(formId: string, content: readonly (string | undefined)[]): string {
    const digest = createHmac('sha256', this.secret).update(`self-referral-content\u0000${JSON.stringify(content.map((value) => value ?? null))}`).digest('base64url');
    return `${formId}.${digest.slice(0, 22)}`;
  }

  private mac(binding: string, formId: string, issuedAt: number): string {
    return createHmac('sha256', this.secret).update(`self-referral-form\u0000${binding}\u0000${formId}\u0000${issuedAt}`).digest('base64url');
  }
}

function cookieValue(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parseCookie(cookieHeader)[FORM_COOKIE];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/**
 * Fetch metadata and Origin, when the browser sends them, must name this origin: `Sec-Fetch-Site` `same-origin`
 * (or `none`, typed or bookmarked), and an `Origin` whose host is the Host the request was sent to.
 */
export function sameOrigin(request: RequestFacts): boolean {
  if (request.secFetchSite !== undefined && !['same-origin', 'none'].includes(request.secFetchSite)) return false;
  if (request.origin === undefined) return true;
  if (!request.host) return false;
  try {
    const origin = new URL(request.origin);
    return (origin.protocol === 'http:' || origin.protocol === 'https:') && origin.host === request.host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a data: URL, some redirects) and anything unparsable is not this origin.
    return false;
  }
}
