import { isSameOriginPost } from './same-origin';

const BASE = 'https://harbor.example.org';

describe('same-origin submissions', () => {
  it.each([
    [{ 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{ 'sec-fetch-site': 'cross-site', origin: BASE }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{ origin: BASE }, true],
    [{ origin: 'http://127.0.0.1:3003', host: '127.0.0.1:3003' }, true],
    [{ origin: 'https://attacker.example', host: 'harbor.example.org' }, false],
    [{ origin: 'null' }, false],
    [{ origin: 'not a url' }, false],
    [{}, true],
  ])('%j → %s', (headers, expected) => {
    expect(isSameOriginPost(headers, BASE)).toBe(expected);
  });
});
