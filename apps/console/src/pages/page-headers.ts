/**
 * Every console page: nothing cached, framed or sent to other sites, no script at all, styles only from the
 * console's own stylesheet, and forms that post only to the console (and sign-out's redirect to the provider,
 * which Chromium checks against form-action too: CONSOLE_FORM_TARGETS adds the provider's origin).
 */
export function consolePageHeaders(formTargets: string[]): Readonly<Record<string, string>> {
  return Object.freeze({
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'self'",
      "img-src 'self'",
      `form-action 'self' ${formTargets.join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
  });
}

/** Set once at start from the provider's origin (ConsoleModule). */
export let PAGE_HEADERS: Readonly<Record<string, string>> = consolePageHeaders([]);

export function setFormTargets(origins: string[]): void {
  PAGE_HEADERS = consolePageHeaders(origins);
}
