import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { caseKey, truncateToHour } from './case-key';

const KEY = 'reporting-hash-key-for-tests';
const OTHER_KEY = 'another-reporting-hash-key';
const CASE_ID = '3f2b8c1e-5d4a-4c3b-9a2e-1f0e9d8c7b6a';
const OTHER_CASE_ID = '3f2b8c1e-5d4a-4c3b-9a2e-1f0e9d8c7b6b';

describe('caseKey', () => {
  it('is deterministic for the same key and case', () => {
    expect(caseKey(KEY, CASE_ID)).toBe(caseKey(KEY, CASE_ID));
  });

  it('is an HMAC-SHA256 of the case id under the key, base64url-encoded', () => {
    expect(caseKey(KEY, CASE_ID)).toBe(createHmac('sha256', KEY).update(CASE_ID).digest('base64url'));
    expect(caseKey(KEY, CASE_ID)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs between cases, even ones whose ids differ in a single character', () => {
    expect(caseKey(KEY, CASE_ID)).not.toBe(caseKey(KEY, OTHER_CASE_ID));
  });

  it('differs between keys, so facts cannot be joined back to cases without the key', () => {
    expect(caseKey(KEY, CASE_ID)).not.toBe(caseKey(OTHER_KEY, CASE_ID));
  });

  it('property: never contains the case id, with or without its dashes', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 16 }), (caseId, key) => {
        const hashed = caseKey(key, caseId);
        expect(hashed).not.toContain(caseId);
        expect(hashed).not.toContain(caseId.slice(0, 8)); // the first group, 8 hex digits
        expect(hashed).not.toContain(caseId.replace(/-/g, '').slice(-12));
      }),
    );
  });

  it('property: distinct case ids under one key give distinct keys', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 50 }), (caseIds) => {
        expect(new Set(caseIds.map((caseId) => caseKey(KEY, caseId))).size).toBe(caseIds.length);
      }),
    );
  });
});

describe('truncateToHour', () => {
  it('drops minutes, seconds and milliseconds', () => {
    expect(truncateToHour('2024-05-06T07:59:59.999Z').toISOString()).toBe('2024-05-06T07:00:00.000Z');
  });

  it('keeps a time already on the hour', () => {
    expect(truncateToHour('2024-05-06T07:00:00.000Z').toISOString()).toBe('2024-05-06T07:00:00.000Z');
  });

  it('truncates in UTC, also for offsets that are not whole hours', () => {
    // 12:45 at +05:30 is 07:15 UTC.
    expect(truncateToHour('2024-05-06T12:45:00+05:30').toISOString()).toBe('2024-05-06T07:00:00.000Z');
    // 23:30 at -01:00 on the 5th is 00:30 UTC on the 6th.
    expect(truncateToHour('2024-05-05T23:30:00-01:00').toISOString()).toBe('2024-05-06T00:00:00.000Z');
  });

  it('property: the result is on the hour, not after the input and less than an hour before it', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (date) => {
        const truncated = truncateToHour(date.toISOString());
        expect(truncated.getTime() % 3_600_000).toBe(0);
        expect(truncated.getTime()).toBeLessThanOrEqual(date.getTime());
        expect(date.getTime() - truncated.getTime()).toBeLessThan(3_600_000);
      }),
    );
  });
});
