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

/**
 * HMAC of a supporter id under the same configured key, in its own domain ("supporter:"), so a supporter
 * key can never equal a case key. The director recognises supporters by giving their ids to the
 * recognition route, which hashes them the same way; no mapping back is stored.
 */
export function supporterKey(hashKey: string, supporterId: string): string {
  return createHmac('sha256', hashKey).update(`supporter:${supporterId}`).digest('base64url');
}

/** HMAC of a group debrief's id under the same key, in its own domain ("debrief:"), never equal to a case key. */
export function debriefKey(hashKey: string, debriefId: string): string {
  return createHmac('sha256', hashKey).update(`debrief:${debriefId}`).digest('base64url');
}
