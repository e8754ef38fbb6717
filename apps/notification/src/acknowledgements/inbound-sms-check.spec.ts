import { checkInboundSms } from './inbound-sms-check';
import { TwilioMessageRecord } from './twilio-message-lookup';

const NOW = new Date('2026-11-26T10:00:00Z');
const record = (overrides: Partial<TwilioMessageRecord> = {}): TwilioMessageRecord => ({
  sid: 'SM0123', accountSid: 'AC1', from: '+15550002002', direction: 'inbound', dateCreated: new Date('2026-11-26T09:58:00Z'), ...overrides,
});
const webhook = { from: '+1 (555) 000-2002', accountSid: 'AC1' };

describe('checkInboundSms', () => {
  it('accepts a recent inbound message from the same number and gives the time it was written', () => {
    expect(checkInboundSms(webhook, record(), NOW, 600)).toEqual({ ok: true, writtenAt: new Date('2026-11-26T09:58:00Z') });
  });

  it('refuses a message older than the window: a captured webhook replayed later', () => {
    expect(checkInboundSms(webhook, record({ dateCreated: new Date('2026-11-26T09:49:59Z') }), NOW, 600)).toEqual({ ok: false, reason: 'too-old' });
    expect(checkInboundSms(webhook, record({ dateCreated: new Date('2026-11-26T09:50:00Z') }), NOW, 600).ok).toBe(true);
  });

  it.each([
    ['a message Twilio does not know', undefined, 'unknown-message'],
    ['an outbound message', record({ direction: 'outbound-api' }), 'not-inbound'],
    ['another sender', record({ from: '+15550009999' }), 'sender-mismatch'],
    ['another account', record({ accountSid: 'AC2' }), 'sender-mismatch'],
    ['an unreadable date', record({ dateCreated: new Date('nonsense') }), 'unknown-message'],
  ])('refuses %s', (_label, found, reason) => {
    expect(checkInboundSms(webhook, found, NOW, 600)).toEqual({ ok: false, reason });
  });
});
