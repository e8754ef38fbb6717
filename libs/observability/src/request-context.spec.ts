import { acceptedCorrelationId } from './request-context';

describe('acceptedCorrelationId', () => {
  it.each(['req-1', 'b370acad-4f2e-4c2a-9d0e-1f2a3b4c5d6e', 'A.b_c:d-9', '4bf92f3577b34da6a3ce929d0e0e4736', 'x'.repeat(64)])('keeps %s', (id) => {
    expect(acceptedCorrelationId(id)).toBe(id);
  });

  it.each(['', 'x'.repeat(65), '-leading', 'has space', '<script>', 'a\r\nSet-Cookie: x', 'ünï', '{"a":1}', undefined, 42, ['a']])('replaces %p with a fresh UUID', (id) => {
    const accepted = acceptedCorrelationId(id);
    expect(accepted).not.toBe(id);
    expect(accepted).toMatch(/^[0-9a-f-]{36}$/);
  });
});
