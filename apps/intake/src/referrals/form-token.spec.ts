import { FORM_COOKIE, FormTokens, sameOrigin } from './form-token';

describe('FormTokens', () => {
  const tokens = new FormTokens('a-form-secret-of-at-least-32-characters', true);
  const host = '127.0.0.1:3001';
  const cookieOf = (setCookie: string) => setCookie.split(';')[0];

  it('issues a cookie once and a token per form that checks only with that cookie', () => {
    const first = tokens.issue(undefined);
    expect(first.setCookie).toMatch(new RegExp(`^${FORM_COOKIE}=[\\w-]{43}; Path=/refer; HttpOnly; Secure; SameSite=Strict$`));
    const cookieHeader = cookieOf(first.setCookie!);
    const second = tokens.issue(cookieHeader);
    expect(second.setCookie).toBeUndefined();
    expect(second.formId).not.toBe(first.formId);
    expect(tokens.check(second.token, { cookieHeader, host })).toEqual({ ok: true, formId: second.formId });
    expect(tokens.check(second.token, { host })).toEqual({ ok: false, reason: 'no-cookie' });
    expect(tokens.check(second.token, { cookieHeader: cookieOf(tokens.issue(undefined).setCookie!), host })).toEqual({ ok: false, reason: 'bad-token' });
    expect(tokens.check(undefined, { cookieHeader, host })).toEqual({ ok: false, reason: 'bad-token' });
    expect(new FormTokens('another-form-secret-of-32-characters!', true).check(second.token, { cookieHeader, host })).toEqual({ ok: false, reason: 'bad-token' });
  });

  it('names a post by its form and a keyed digest of its content', () => {
    const id = tokens.submissionId('f', ['self', 'E-1', undefined]);
    expect(id).toMatch(/^f\.[\w-]{22}$/);
    expect(tokens.submissionId('f', ['self', 'E-1', undefined])).toBe(id);
    expect(tokens.submissionId('f', ['self', 'E-2', undefined])).not.toBe(id);
    expect(tokens.submissionId('g', ['self', 'E-1', undefined])).not.toBe(id);
  });

  it('refuses a token older than two hours', () => {
    const issuedAt = new Date('2026-11-26T10:00:00Z');
    const issued = tokens.issue(undefined, issuedAt);
    const cookieHeader = cookieOf(issued.setCookie!);
    expect(tokens.check(issued.token, { cookieHeader, host }, new Date('2026-11-26T11:59:00Z')).ok).toBe(true);
    expect(tokens.check(issued.token, { cookieHeader, host }, new Date('2026-11-26T12:01:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('takes only same-origin posts where the browser says where they come from', () => {
    expect(sameOrigin({ host })).toBe(true);
    expect(sameOrigin({ host, secFetchSite: 'same-origin', origin: `http://${host}` })).toBe(true);
    expect(sameOrigin({ host, secFetchSite: 'none' })).toBe(true);
    expect(sameOrigin({ host, secFetchSite: 'cross-site' })).toBe(false);
    expect(sameOrigin({ host, secFetchSite: 'same-site' })).toBe(false);
    expect(sameOrigin({ host, origin: 'https://attacker.test' })).toBe(false);
    expect(sameOrigin({ host, origin: 'null' })).toBe(false);
    expect(sameOrigin({ origin: `http://${host}` })).toBe(false);
  });
});
