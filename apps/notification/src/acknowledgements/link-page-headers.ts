import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { PAGE_STYLE } from './offer-page.html';

/**
 * Every response under /a/ — pages, JSON answers and errors alike. The URL is a bearer credential and the
 * accepted page shows a name: nothing may be cached, leak through a Referer, be framed, or load anything
 * but the page's own style.
 */
export const LINK_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
});

/** Express middleware for the link routes (errors raised before routing get the same headers from the problem renderer). */
export function setLinkPageHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.set(LINK_PAGE_HEADERS);
  next();
}
