import fc from 'fast-check';
import { parseSmsReply } from './sms-reply';

describe('parseSmsReply', () => {
  it.each([
    ['YES 4821', { command: 'yes', code: '4821' }],
    ['yes 4821', { command: 'yes', code: '4821' }],
    ['  Yes   4821. ', { command: 'yes', code: '4821' }],
    ['NO 4821', { command: 'no', code: '4821' }],
    ['Yes', { command: 'yes' }],
    ['no!', { command: 'no' }],
    ['STOP', { command: 'stop' }],
    ['stop', { command: 'stop' }],
    ['UNSUBSCRIBE', { command: 'stop' }],
    ['START', { command: 'start' }],
    ['HELP', { command: 'help' }],
    ['YES 48210', { command: 'unknown' }],
    ['YES 0821', { command: 'unknown' }],
    ['YES 4821 please', { command: 'unknown' }],
    ['maybe', { command: 'unknown' }],
    ['', { command: 'unknown' }],
  ])('%j → %j', (body, expected) => expect(parseSmsReply(body)).toEqual(expected));

  it('property: never throws, and a code is only ever four digits taken from the message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        const reply = parseSmsReply(body);
        if ('code' in reply && reply.code !== undefined) {
          expect(reply.code).toMatch(/^[1-9]\d{3}$/);
          expect(body).toContain(reply.code);
        }
      }),
    );
  });
});
