import { ConfigValidationError, loadConfig } from '@harbor/config';
import { ConsoleEnv } from './console.env';

function problems(environment: Record<string, string>): string[] {
  try {
    loadConfig(ConsoleEnv, environment);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
}

describe('ConsoleEnv', () => {
  it('runs in development against the development OpenID provider and the services of npm start', () => {
    expect(loadConfig(ConsoleEnv, {})).toMatchObject({
      HTTP_PORT: 3005, CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:3999', CONSOLE_OIDC_CLIENT_ID: 'harbor-console', CONSOLE_PUBLIC_BASE_URL: 'http://127.0.0.1:3005',
      CONSOLE_MATCHING_URL: 'http://127.0.0.1:3002',
    });
  });

  it('production refuses the published secrets and plain-http sign-in, naming each setting', () => {
    const found = problems({ HARBOR_ENV: 'production', AUTH_ISSUER: 'https://login.hospital.example' });
    for (const name of ['CONSOLE_OIDC_ISSUER', 'CONSOLE_OIDC_CLIENT_SECRET', 'CONSOLE_PUBLIC_BASE_URL', 'CONSOLE_SESSION_SECRET']) {
      expect(found).toContainEqual(expect.stringMatching(new RegExp(`^${name}: `)));
    }
  });

  it('production accepts private values over https', () => {
    expect(problems({
      HARBOR_ENV: 'production', AUTH_ISSUER: 'https://login.hospital.example', CONSOLE_OIDC_ISSUER: 'https://login.hospital.example',
      CONSOLE_OIDC_CLIENT_SECRET: 'a-private-client-secret-value', CONSOLE_PUBLIC_BASE_URL: 'https://harbor-console.hospital.example',
      CONSOLE_SESSION_SECRET: 'a-private-session-secret-of-32-characters-or-more',
    })).toEqual([]);
  });

  it.each([['CONSOLE_OIDC_SCOPE', 'profile email'], ['CONSOLE_SESSION_SECRET', 'short'], ['CONSOLE_MATCHING_URL', 'matching:3002'], ['CONSOLE_SESSION_MAX_MINUTES', '1']])(
    'stops on %s=%j and names it',
    (name, value) => expect(problems({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]),
  );
});
