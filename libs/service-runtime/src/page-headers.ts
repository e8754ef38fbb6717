import { createHash } from 'node:crypto';

/**
 * The headers of a page a person sees (the supporter's link and encounter pages, the self-referral page): nothing
 * cached or framed, no referrer to another site, no script, and only the page's own inline style (by its hash).
 * `referrerPolicy` is `no-referrer` unless the page posts a form whose Origin it checks (`same-origin`: with
 * `no-referrer` Chromium sends `Origin: null` on the form's own post).
 */
export function personPageHeaders(style: string, referrerPolicy: 'no-referrer' | 'same-origin' = 'no-referrer'): Readonly<Record<string, string>> {
  return Object.freeze({
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': referrerPolicy,
    'x-frame-options': 'DENY',
    'content-security-policy': [
      "default-src 'none'",
      `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
  });
}
