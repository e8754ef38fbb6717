import { createHmac } from 'node:crypto';

/** HMAC-SHA256 of the case id under a configured key: stable per case, not reversible without the key. */
export function caseKey(hashKey: string, caseId: string): string {
  return createHmac('sha256', hashKey).update(caseId).digest('base64url');
}

export function truncateToHour(iso: string): Date {
  const date = new Date(iso);
  date.setUTCMinutes(0, 0, 0);
  return date;
}
