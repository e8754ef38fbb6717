import { IsString } from 'class-validator';
import { ConfigValidationError, loadConfig } from './load-config';
import { NotDevelopmentDefaultInProduction } from './development-default';
import { ServiceEnv } from './service-env';

class SecretEnv extends ServiceEnv {
  @IsString()
  @NotDevelopmentDefaultInProduction('public-dev-secret')
  SOME_SECRET = 'public-dev-secret';
}

describe('NotDevelopmentDefaultInProduction', () => {
  it('lets development run on the published default', () => {
    expect(loadConfig(SecretEnv, {}).SOME_SECRET).toBe('public-dev-secret');
  });

  it('refuses the published default in production, naming the variable', () => {
    expect(() => loadConfig(SecretEnv, { HARBOR_ENV: 'production' })).toThrow(ConfigValidationError);
    expect(() => loadConfig(SecretEnv, { HARBOR_ENV: 'production' })).toThrow(/SOME_SECRET: must be set to a private value in production/);
  });

  it('accepts a private value in production', () => {
    expect(loadConfig(SecretEnv, { HARBOR_ENV: 'production', SOME_SECRET: 'a-private-value' }).SOME_SECRET).toBe('a-private-value');
  });

  it('rejects an unknown HARBOR_ENV', () => {
    expect(() => loadConfig(SecretEnv, { HARBOR_ENV: 'prod' })).toThrow(/HARBOR_ENV/);
  });
});
