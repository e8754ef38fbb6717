import { ConfigValidationError, loadConfig } from './load-config';
import { IntSetting } from './service-env';

class WindowEnv {
  @IntSetting(1, 60)
  WINDOW_MINUTES = 5;
}

function load(env: Record<string, string>): WindowEnv {
  return loadConfig(WindowEnv, env);
}

describe('IntSetting', () => {
  it('converts decimal text and keeps the default when unset', () => {
    expect(load({}).WINDOW_MINUTES).toBe(5);
    expect(load({ WINDOW_MINUTES: ' 60 ' }).WINDOW_MINUTES).toBe(60);
  });

  it.each(['0', '61', '1e1', '0x10', '7.5', 'ten'])('refuses %s, naming the setting', (value) => {
    try {
      load({ WINDOW_MINUTES: value });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems.join('\n')).toContain('WINDOW_MINUTES');
    }
  });
});
