import { safeReturnPath, sessionExpiry } from './session-state';

describe('console session rules', () => {
  it('ends with the access token, and never later than the maximum', () => {
    const now = 1_000_000;
    expect(sessionExpiry(now + 60_000, 480, now)).toBe(now + 60_000);
    expect(sessionExpiry(now + 24 * 3600_000, 480, now)).toBe(now + 480 * 60_000);
    expect(sessionExpiry(undefined, 30, now)).toBe(now + 30 * 60_000);
  });

  it.each([['/roster?x=1', '/roster?x=1'], ['//evil.example/', '/'], ['/\\evil.example', '/'], ['https://evil.example/', '/'], [undefined, '/'], ['/a b', '/']])(
    'returns after sign-in only to a console path: %j → %j',
    (candidate, expected) => expect(safeReturnPath(candidate)).toBe(expected),
  );
});
