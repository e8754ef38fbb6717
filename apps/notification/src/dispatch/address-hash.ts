import { createHmac } from 'node:crypto';

/**
 * A keyed digest of a phone number, so an inbound SMS can be matched to open offers without keeping a
 * lookup column of phone numbers. Digits and a leading + only: "+1 (555) 000-2002" and "+15550002002" match.
 */
export function smsAddressHash(key: string, phone: string): string {
  const normalized = phone.replace(/[^\d+]/g, '');
  return createHmac('sha256', key).update(`sms:${normalized}`).digest('base64url');
}

/** A number's digest under NOTIFY_SMS_HASH_KEY, and under the link secret that keyed digests made before it. */
export interface SmsAddressHashes {
  current: string;
  /** Only for recognising rows written before NOTIFY_SMS_HASH_KEY existed; nothing new is written with it. */
  legacy: string;
}

export function smsAddressHashes(keys: { key: string; legacyKey: string }, phone: string): SmsAddressHashes {
  return { current: smsAddressHash(keys.key, phone), legacy: smsAddressHash(keys.legacyKey, phone) };
}
