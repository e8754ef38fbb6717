import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { IntakeEnv } from '../../apps/intake/src/intake.env';
import { MatchingEnv } from '../../apps/matching/src/matching.env';
import { NotificationEnv } from '../../apps/notification/src/notification.env';
import { ReportingEnv } from '../../apps/reporting/src/reporting.env';
import { ConsoleEnv } from '../../apps/console/src/console.env';
import { ConfigValidationError, loadConfig } from '@harbor/config';
import { DEVELOPMENT_DATABASE_PASSWORDS, HttpsInProduction, NotDevelopmentDefaultInProduction, OffInProduction } from '@harbor/config';
import { ServiceEnv, toBoolean } from '@harbor/config';

const REPOSITORY = join(__dirname, '..', '..');

/** The problems loadConfig reports; fails the test if it throws nothing or something else. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected loadConfig to throw');
}

class RulesEnv extends ServiceEnv {
  @IsString()
  @NotDevelopmentDefaultInProduction('public-dev-secret', 'another-published-value')
  SOME_SECRET = 'public-dev-secret';

  @IsOptional()
  @IsString()
  @HttpsInProduction('it carries a credential')
  SOME_URL?: string;

  @Transform(toBoolean)
  @IsBoolean()
  @OffInProduction('it prints secrets')
  DEMO_SWITCH = false;
}

const PRIVATE_IDP = { AUTH_ISSUER: 'https://sso.hospital.example/realms/harbor' };

describe('production rules (one mechanism for every service)', () => {
  it('let development run on the published defaults', () => {
    expect(loadConfig(RulesEnv, { SOME_URL: 'http://x.example', DEMO_SWITCH: 'true' })).toMatchObject({ SOME_SECRET: 'public-dev-secret', DEMO_SWITCH: true });
  });

  it('refuse each published secret value, and any placeholder, in production, naming the variable', () => {
    for (const value of ['public-dev-secret', 'another-published-value', 'REPLACE-ME a real secret', 'dev-only-x-CHANGE-ME-0002']) {
      expect(problemsOf(() => loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: value }))).toEqual([
        'SOME_SECRET: must be set to a private value in production (the development default is public)',
      ]);
    }
    expect(loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: 'a-private-value' }).SOME_SECRET).toBe('a-private-value');
  });

  it('require https for URLs that carry credentials, but let an unset optional URL pass', () => {
    expect(problemsOf(() => loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: 'private', SOME_URL: 'http://x.example' }))).toEqual([
      'SOME_URL: must be an https:// URL in production (it carries a credential)',
    ]);
    expect(loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: 'private', SOME_URL: 'https://x.example' }).SOME_URL).toBe('https://x.example');
    expect(loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: 'private' }).SOME_URL).toBeUndefined();
  });

  it('refuse demo switches', () => {
    expect(problemsOf(() => loadConfig(RulesEnv, { HARBOR_ENV: 'production', ...PRIVATE_IDP, SOME_SECRET: 'private', DEMO_SWITCH: 'yes' }))).toEqual([
      'DEMO_SWITCH: must be false in production (it prints secrets)',
    ]);
  });

  it('rejects an unknown HARBOR_ENV', () => {
    expect(problemsOf(() => loadConfig(RulesEnv, { HARBOR_ENV: 'prod' }))).toEqual([expect.stringMatching(/^HARBOR_ENV: /)]);
  });
});

/** A contact key list that is not the published development key (id `k2026`, 32 random-looking bytes). */
const PRIVATE_CONTACT_KEYS = `k2026:${Buffer.alloc(32, 7).toString('base64')}`;

/** A complete production environment per service: private secrets, https everywhere, a registered source system. */
const PRODUCTION: Record<string, { schema: new () => ServiceEnv; env: Record<string, string> }> = {
  intake: {
    schema: IntakeEnv,
    env: {
      INTAKE_SOURCE_SYSTEMS: '[{"id":"rl-datix"}]', INTAKE_PUBLIC_BASE_URL: 'https://harbor.hospital.example',
      INTAKE_FORM_SECRET: 'a-private-form-secret-of-32-characters-or-more',
    },
  },
  matching: { schema: MatchingEnv, env: { CONTACT_ENCRYPTION_KEYS: PRIVATE_CONTACT_KEYS } },
  notification: {
    schema: NotificationEnv,
    env: {
      NOTIFY_LINK_SECRET: 'a-private-link-secret-0123456789', NOTIFY_SMS_HASH_KEY: 'a-private-sms-hash-key-0123456789',
      CONTACT_ENCRYPTION_KEYS: PRIVATE_CONTACT_KEYS, NOTIFY_PUBLIC_BASE_URL: 'https://harbor.hospital.example',
    },
  },
  reporting: { schema: ReportingEnv, env: { REPORTING_HASH_KEY: 'a-private-reporting-key-0123456789' } },
  // The console (no events) is held to the same rules as the services, and its committed Compose secrets are refused.
  console: {
    schema: ConsoleEnv,
    env: {
      CONSOLE_OIDC_ISSUER: 'https://login.hospital.example', CONSOLE_OIDC_CLIENT_SECRET: 'a-private-client-secret-value',
      CONSOLE_PUBLIC_BASE_URL: 'https://harbor-console.hospital.example', CONSOLE_SESSION_SECRET: 'a-private-session-secret-of-32-characters-or-more',
    },
  },
};
const COMMON = {
  HARBOR_ENV: 'production',
  DATABASE_URL: 'postgres://harbor_svc:a-private-password@db.hospital.example:5432/harbor?sslmode=require',
  ...PRIVATE_IDP,
};

function productionEnv(service: string, changes: Record<string, string | undefined>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...COMMON, ...PRODUCTION[service].env, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete env[name];
  return env;
}

const EVERY_SERVICE = Object.keys(PRODUCTION);

describe('the services in production', () => {
  it.each(EVERY_SERVICE)('%s starts with a complete production environment', (service) => {
    expect(() => loadConfig(PRODUCTION[service].schema, productionEnv(service, {}))).not.toThrow();
  });

  const refused: [string[], string, string | undefined, RegExp][] = [
    [EVERY_SERVICE, 'AUTH_ISSUER', undefined, /https:\/\/ URL in production .*development token issuer at http:\/\/127\.0\.0\.1:3999/],
    [EVERY_SERVICE, 'AUTH_ISSUER', 'http://sso.hospital.example/realms/harbor', /https:\/\//],
    [EVERY_SERVICE, 'AUTH_JWKS_URL', 'http://sso.hospital.example/certs', /https:\/\//],
    [EVERY_SERVICE, 'DATABASE_URL', 'postgres://harbor:harbor-dev@postgres:5432/harbor', /development database password/],
    [['notification'], 'NOTIFY_LINK_SECRET', undefined, /private value/],
    [['notification'], 'NOTIFY_LINK_SECRET', 'dev-only-notify-link-secret-CHANGE-ME-0001', /private value/],
    [['notification'], 'NOTIFY_LINK_SECRET', 'REPLACE-ME with a long random value', /private value/],
    [['notification'], 'NOTIFY_CONSOLE_FALLBACK', 'true', /must be false in production/],
    [['notification'], 'NOTIFY_SMS_HASH_KEY', undefined, /private value/],
    [['matching', 'notification'], 'CONTACT_ENCRYPTION_KEYS', undefined, /development key/],
    [['notification'], 'NOTIFY_PUBLIC_BASE_URL', undefined, /https:\/\//],
    [['notification'], 'NOTIFY_PUBLIC_BASE_URL', 'http://harbor.hospital.example', /https:\/\//],
    [['notification'], 'TWILIO_BASE_URL', 'http://twilio-relay.internal', /https:\/\//],
    [['notification'], 'PAGERDUTY_EVENTS_URL', 'http://pagerduty-relay.internal', /https:\/\//],
    [['notification'], 'WCTP_URL', 'http://pager-gateway.internal/wctp', /https:\/\//],
    [['reporting'], 'REPORTING_HASH_KEY', undefined, /private value/],
    [['reporting'], 'REPORTING_HASH_KEY', 'dev-only-reporting-hash-key-CHANGE-ME-0001', /private value/],
    [['intake'], 'INTAKE_SOURCE_SYSTEMS', undefined, /must register the source systems in production/],
    [['intake'], 'INTAKE_PUBLIC_BASE_URL', undefined, /https:\/\//],
    [['intake'], 'INTAKE_PUBLIC_BASE_URL', 'http://harbor.hospital.example', /https:\/\//],
    [['intake'], 'INTAKE_FORM_SECRET', undefined, /required in production: the self-referral form's anti-forgery key/],
    [['intake'], 'INTAKE_FORM_SECRET', 'REPLACE-ME with 32 random characters or more', /private value/],
  ];
  const cases = refused.flatMap(([services, name, value, message]) => services.map((service) => [service, name, value, message] as const));

  it.each(cases)('%s refuses %s=%j in production, naming it; development accepts it', (service, name, value, message) => {
    const { schema } = PRODUCTION[service];
    const problems = problemsOf(() => loadConfig(schema, productionEnv(service, { [name]: value })));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    expect(problems[0]).toMatch(message);
    expect(() => loadConfig(schema, { ...productionEnv(service, { [name]: value }), HARBOR_ENV: 'development' })).not.toThrow();
  });

  it('refuses an SMS-hash key equal to the link secret, in production and in development (one key per purpose)', () => {
    const same = { NOTIFY_SMS_HASH_KEY: 'a-private-link-secret-0123456789' };
    expect(problemsOf(() => loadConfig(NotificationEnv, productionEnv('notification', same)))).toEqual([expect.stringMatching(/^NOTIFY_SMS_HASH_KEY: must differ from NOTIFY_LINK_SECRET/)]);
    expect(problemsOf(() => loadConfig(NotificationEnv, { ...productionEnv('notification', same), HARBOR_ENV: 'development' }))).toEqual([
      expect.stringMatching(/^NOTIFY_SMS_HASH_KEY: must differ from NOTIFY_LINK_SECRET/),
    ]);
  });

  it('a JWKS URL derived from an https issuer is https', () => {
    expect(loadConfig(MatchingEnv, productionEnv('matching', { AUTH_JWKS_URL: undefined })).jwksUrl).toBe('https://sso.hospital.example/realms/harbor/.well-known/jwks.json');
  });
});

describe('the secrets committed for Docker Compose', () => {
  const compose = readFileSync(join(REPOSITORY, 'docker-compose.yml'), 'utf8');
  const directory = join(REPOSITORY, 'deploy', 'compose', 'secrets');

  /** The variable a committed secret file feeds, read from docker-compose.yml (`<VAR>_FILE: /run/secrets/<secret>`). */
  function variableFed(file: string): string {
    const secret = new RegExp(`^ {2}([\\w-]+):\\s*\\n\\s+file: \\./deploy/compose/secrets/${file.replace('.', '\\.')}\\s*$`, 'm').exec(compose)?.[1];
    expect({ file, secret }).toEqual({ file, secret: expect.any(String) });
    const variable = new RegExp(`(\\w+)_FILE: /run/secrets/${secret}\\s*$`, 'm').exec(compose)?.[1];
    expect({ file, variable }).toEqual({ file, variable: expect.any(String) });
    return variable!;
  }

  it.each(readdirSync(directory))('%s is refused in production by the setting it feeds', (file) => {
    const variable = variableFed(file);
    const value = readFileSync(join(directory, file), 'utf8').trim();
    const services = EVERY_SERVICE.filter((service) => Object.prototype.hasOwnProperty.call(new (PRODUCTION[service].schema)(), variable));
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      expect(problemsOf(() => loadConfig(PRODUCTION[service].schema, productionEnv(service, { [variable]: value })))).toEqual([
        expect.stringMatching(new RegExp(`^${variable}: must (be set to a private value|not contain the development key) in production`)),
      ]);
    }
  });

  it("docker-compose.yml's default database password is one production refuses", () => {
    const password = /\$\{POSTGRES_PASSWORD:-([^}]+)\}/.exec(compose)?.[1];
    expect(DEVELOPMENT_DATABASE_PASSWORDS).toContain(password);
  });
});
