import { duration, when } from './format';

describe('console formatting', () => {
  it.each([[0, '0 min'], [59 * 60_000, '59 min'], [65 * 60_000, '1 h 5 min'], [2 * 3600_000, '2 h'], [50 * 3600_000, '2 d 2 h'], [-5, '0 min']])('%d ms reads %s', (ms, text) =>
    expect(duration(ms)).toBe(text),
  );
  it('shows times in UTC to the minute, nothing for a missing one', () => {
    expect(when('2026-11-27T00:15:42.123Z')).toBe('2026-11-27 00:15 UTC');
    expect(when(null)).toBe('');
  });
});
