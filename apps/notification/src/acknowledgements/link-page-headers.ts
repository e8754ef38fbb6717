import type { NextFunction, Request, Response } from 'express';
import { personPageHeaders } from '@harbor/service-runtime';
import { PAGE_STYLE } from './offer-page.html';

/**
 * Every response under /a/ — pages, JSON answers and errors alike. The URL is a bearer credential and the
 * accepted page shows a name: nothing may be cached, leak through a Referer, be framed, or load anything
 * but the page's own style.
 */
export const LINK_PAGE_HEADERS = personPageHeaders(PAGE_STYLE);

/** Express middleware for the link routes (errors raised before routing get the same headers from the problem renderer). */
export function setLinkPageHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.set(LINK_PAGE_HEADERS);
  next();
}
