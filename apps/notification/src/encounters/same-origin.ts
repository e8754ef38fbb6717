import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a POST may come from our own page: a browser says where a request comes from (`Sec-Fetch-Site`, or
 * at least `Origin` on every cross-origin POST), and only our own origin may record an encounter. A client
 * that sends neither is not a browser acting for a visited site (e.g. curl), so no other site can be behind it.
 */
export function isSameOriginPost(headers: IncomingHttpHeaders, publicBaseUrl: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    const url = new URL(origin);
    return url.origin === new URL(publicBaseUrl).origin || (headers.host !== undefined && url.host === headers.host);
  } catch {
    return false;
  }
}
