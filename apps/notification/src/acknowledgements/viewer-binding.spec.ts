import { isBoundViewer, newViewerCookie, viewerCookieName } from './viewer-binding';

const ASSIGNMENT = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const NOW = new Date('2026-11-26T10:00:00Z');
const EXPIRES = new Date('2026-11-26T11:15:00Z');

const cookieFrom = (header: string) => header.split(';')[0];

describe('viewer binding', () => {
  it('sets an HttpOnly, SameSite=Lax cookie on /a/ until the link expires; Secure on https', () => {
    const { header } = newViewerCookie(ASSIGNMENT, EXPIRES, true, NOW);
    expect(header).toMatch(new RegExp(`^${viewerCookieName(ASSIGNMENT)}=[A-Za-z0-9_-]{43}; `));
    expect(header).toContain('Max-Age=4500');
    expect(header).toContain('Path=/a/');
    expect(header).toContain('HttpOnly');
    expect(header).toContain('Secure');
    expect(header).toContain('SameSite=Lax');
    expect(newViewerCookie(ASSIGNMENT, EXPIRES, false, NOW).header).not.toContain('Secure');
  });

  it('recognises only the browser holding the secret, for that assignment', () => {
    const bound = newViewerCookie(ASSIGNMENT, EXPIRES, true, NOW);
    const other = newViewerCookie(ASSIGNMENT, EXPIRES, true, NOW);
    expect(bound.hash).not.toContain(cookieFrom(bound.header).split('=')[1]);
    expect(isBoundViewer(`theme=dark; ${cookieFrom(bound.header)}`, ASSIGNMENT, bound.hash)).toBe(true);
    expect(isBoundViewer(cookieFrom(other.header), ASSIGNMENT, bound.hash)).toBe(false);
    expect(isBoundViewer(undefined, ASSIGNMENT, bound.hash)).toBe(false);
    expect(isBoundViewer(cookieFrom(bound.header), ASSIGNMENT, null)).toBe(false);
    const renamed = cookieFrom(bound.header).replace(ASSIGNMENT, '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e');
    expect(isBoundViewer(renamed, ASSIGNMENT, bound.hash)).toBe(false);
  });
});
