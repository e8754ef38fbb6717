import { reconnectDelayMs } from './drain-loop';

describe('reconnectDelayMs', () => {
  it('starts within a quarter second and doubles per failed attempt, with jitter in the upper half', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(125);
    expect(reconnectDelayMs(0, () => 1)).toBe(250);
    expect(reconnectDelayMs(1, () => 1)).toBe(500);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(1500);
  });

  it('never waits more than 10 s, however many attempts failed', () => {
    for (const attempts of [6, 10, 50, 1000]) {
      expect(reconnectDelayMs(attempts, () => 1)).toBe(10_000);
      expect(reconnectDelayMs(attempts, () => 0)).toBe(5_000);
    }
  });
});
