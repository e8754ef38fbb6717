import { XMLParser } from 'fast-xml-parser';
import { readWctpResponse, submitRequestXml, wctpMessageId } from './wctp.channel';

describe('WCTP 1.3', () => {
  const request = { address: 'pager-1<&>', text: 'Reply YES 1234 & open <https://h/a/x>', idempotencyKey: 'a:pager', refId: 'a' };

  it('builds a wctp-SubmitRequest with escaped text and attributes', () => {
    const xml = submitRequestXml({ senderId: 'harbor', securityCode: 's3cret' }, request, new Date('2026-01-02T03:04:05.678Z'));
    expect(xml).toContain('<!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/wctp-dtd-v1r3.dtd">');
    expect(xml).not.toContain('<https://');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml)['wctp-Operation'];
    expect(parsed['@_wctpVersion']).toBe('wctp-dtd-v1r3');
    const header = parsed['wctp-SubmitRequest']['wctp-SubmitHeader'];
    expect(header['@_submitTimestamp']).toBe('2026-01-02T03:04:05');
    expect(header['wctp-Originator']).toMatchObject({ '@_senderID': 'harbor', '@_securityCode': 's3cret' });
    expect(header['wctp-MessageControl']['@_messageID']).toBe(wctpMessageId('a:pager'));
    expect(header['wctp-Recipient']['@_recipientID']).toBe('pager-1<&>');
    expect(parsed['wctp-SubmitRequest']['wctp-Payload']['wctp-Alphanumeric']).toBe(request.text);
  });

  it('messageID is 32 characters and stable for one idempotency key', () => {
    expect(wctpMessageId('a:pager')).toMatch(/^[0-9a-f]{32}$/);
    expect(wctpMessageId('a:pager')).toBe(wctpMessageId('a:pager'));
    expect(wctpMessageId('b:pager')).not.toBe(wctpMessageId('a:pager'));
  });

  const confirmation = (inner: string) => `<?xml version="1.0"?><wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-Confirmation>${inner}</wctp-Confirmation></wctp-Operation>`;
  it.each([
    [confirmation('<wctp-Success successCode="200" successText="Accepted"/>'), { ok: true, code: 200 }],
    [confirmation('<wctp-Failure errorCode="401" errorText="Invalid recipientID"/>'), { ok: false, code: 401, retryable: false }],
    [confirmation('<wctp-Failure errorCode="500" errorText="Server busy"/>'), { ok: false, code: 500, retryable: true }],
    ['not xml at all <', { ok: false, code: 0, retryable: true }],
  ])('reads %s', (xml, expected) => expect(readWctpResponse(xml)).toEqual(expected));
});
