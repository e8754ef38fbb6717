import { TwilioMessageRecord } from './twilio-message-lookup';

export type InboundSmsCheck =
  | { ok: true; writtenAt: Date }
  | { ok: false; reason: 'unknown-message' | 'not-inbound' | 'sender-mismatch' | 'too-old' };

/**
 * Whether a signed webhook describes a real, recent inbound message: Twilio must know the MessageSid as an
 * inbound message of this account from the same number, received no longer than `maxAgeSeconds` ago. The
 * signature alone proves only that Twilio sent the request once; this bounds when it may be used.
 */
export function checkInboundSms(
  webhook: { from: string; accountSid?: string },
  record: TwilioMessageRecord | undefined,
  now: Date,
  maxAgeSeconds: number,
): InboundSmsCheck {
  if (!record) return { ok: false, reason: 'unknown-message' };
  if (record.direction !== 'inbound') return { ok: false, reason: 'not-inbound' };
  if (digits(record.from) !== digits(webhook.from) || (webhook.accountSid !== undefined && webhook.accountSid !== record.accountSid)) {
    return { ok: false, reason: 'sender-mismatch' };
  }
  if (!(record.dateCreated instanceof Date) || Number.isNaN(record.dateCreated.getTime())) return { ok: false, reason: 'unknown-message' };
  if (now.getTime() - record.dateCreated.getTime() > maxAgeSeconds * 1000) return { ok: false, reason: 'too-old' };
  return { ok: true, writtenAt: record.dateCreated };
}

function digits(phone: string): string {
  return phone.replace(/[^\d+]/g, '');
}
