import { createHmac } from 'node:crypto';

/**
 * A keyed digest of a phone number, so an inbound SMS can be matched to open offers without keeping a
 * lookup column of phone numbers. Digits and a leading + only: "+1 (555) 000-2002" and "+15550002002" match.
 */
export function smsAddressHash(secret: string, phone: string): string {
  const normalized = phone.replace(/[^\d+]/g, '');
  return createHmac('sha256', secret).update(`sms:${normalized}`).digest('base64url');
}
