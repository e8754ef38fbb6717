import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { IntakeEnv } from '../../apps/intake/src/intake.env';
import { MatchingEnv } from '../../apps/matching/src/matching.env';
import { NotificationEnv } from '../../apps/notification/src/notification.env';
import { ReportingEnv } from '../../apps/reporting/src/reporting.env';
import { ConfigValidationError, loadConfig, resolveSecretFiles, settingNames } from '@harbor/config';
import { ServiceEnv, toInt } from '@harbor/config';

class SmallEnv {
  @IsString()
  @MinLength(3)
  GREETING = 'hello';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  WORKERS = 2;

  @IsOptional()
  @IsString()
  API_TOKEN?: string;
}

/** The ConfigValidationError the call throws; fails the test if it throws nothing or something else. */
function configError(load: () => unknown): ConfigValidationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig with a small schema', () => {
  it('applies defaults when the environment is empty', () => {
    const config = loadConfig(SmallEnv, {});
    expect(config).toBeInstanceOf(SmallEnv);
    expect(config).toMatchObject({ GREETING: 'hello', WORKERS: 2 });
    expect(config.API_TOKEN).toBeUndefined();
  });

  it('reads and converts values from the environment', () => {
    expect(loadConfig(SmallEnv, { GREETING: 'howdy', WORKERS: '7', API_TOKEN: 't' })).toMatchObject({ GREETING: 'howdy', WORKERS: 7, API_TOKEN: 't' });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(SmallEnv, { GREETING: '', WORKERS: '' })).toMatchObject({ GREETING: 'hello', WORKERS: 2 });
  });

  it.each([['abc'], ['0'], ['11'], ['2.5'], [' '], ['0x5'], ['1e1']])('rejects WORKERS=%j and names it', (value) => {
    const error = configError(() => loadConfig(SmallEnv, { WORKERS: value }));
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.every((problem) => problem.startsWith('WORKERS: '))).toBe(true);
    expect(error.message).toContain('WORKERS');
  });

  it('accepts an integer surrounded by whitespace', () => {
    expect(loadConfig(SmallEnv, { WORKERS: ' 3 ' }).WORKERS).toBe(3);
  });

  it('lists every invalid variable', () => {
    const error = configError(() => loadConfig(SmallEnv, { GREETING: 'hi', WORKERS: '99' }));
    expect(error.problems.some((problem) => problem.startsWith('GREETING: '))).toBe(true);
    expect(error.problems.some((problem) => problem.startsWith('WORKERS: '))).toBe(true);
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('ignores variables the schema does not declare', () => {
    expect(() => loadConfig(SmallEnv, { PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });
});

describe('settingNames', () => {
  it('lists declared settings, inherited ones included', () => {
    expect(settingNames(SmallEnv)).toEqual(new Set(['GREETING', 'WORKERS', 'API_TOKEN']));
    const intake = settingNames(IntakeEnv);
    for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'AUTH_JWKS_URL', 'HTTP_PORT', 'INTAKE_MIN_HARM_LEVEL']) expect(intake.has(name)).toBe(true);
    expect(intake.has('NOTIFY_LINK_SECRET')).toBe(false);
  });
});

describe('secret files', () => {
  let dir: string;
  let secretFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harbor-config-'));
    secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'from-the-file\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('FOO_FILE sets FOO from the trimmed file content', () => {
    expect(loadConfig(SmallEnv, { API_TOKEN_FILE: secretFile }).API_TOKEN).toBe('from-the-file');
  });

  it('an explicit FOO wins over FOO_FILE', () => {
    expect(loadConfig(SmallEnv, { API_TOKEN: 'explicit', API_TOKEN_FILE: secretFile }).API_TOKEN).toBe('explicit');
  });

  it('an empty FOO does not block FOO_FILE', () => {
    expect(loadConfig(SmallEnv, { API_TOKEN: '', API_TOKEN_FILE: secretFile }).API_TOKEN).toBe('from-the-file');
  });

  it('the file content is validated like any other value', () => {
    writeFileSync(secretFile, '42');
    const error = configError(() => loadConfig(SmallEnv, { WORKERS_FILE: secretFile }));
    expect(error.problems.every((problem) => problem.startsWith('WORKERS: '))).toBe(true);
  });

  it('an unreadable file for a declared setting names the variable', () => {
    const missing = join(dir, 'missing');
    const error = configError(() => loadConfig(SmallEnv, { API_TOKEN_FILE: missing }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^API_TOKEN_FILE: cannot read secret file /);
    expect(error.problems[0]).toContain(missing);
  });

  it('does not read the file of an explicit setting (so an unreadable one is harmless)', () => {
    expect(loadConfig(SmallEnv, { API_TOKEN: 'explicit', API_TOKEN_FILE: join(dir, 'missing') }).API_TOKEN).toBe('explicit');
  });

  it('ignores *_FILE variables for names the schema does not declare', () => {
    const env = { TF_CLI_CONFIG_FILE: '/nonexistent/terraform.rc', SSL_CERT_FILE: secretFile };
    expect(() => loadConfig(SmallEnv, env)).not.toThrow();
    const resolved = resolveSecretFiles(env, settingNames(SmallEnv));
    expect(resolved).toEqual(env);
  });

  it('ignores an empty FOO_FILE', () => {
    expect(loadConfig(SmallEnv, { API_TOKEN_FILE: '' }).API_TOKEN).toBeUndefined();
  });

  it('works for the real service settings', () => {
    writeFileSync(secretFile, 'a-very-long-link-secret-from-a-mounted-file');
    expect(loadConfig(NotificationEnv, { NOTIFY_LINK_SECRET_FILE: secretFile }).NOTIFY_LINK_SECRET).toBe('a-very-long-link-secret-from-a-mounted-file');
    writeFileSync(secretFile, 'postgres://harbor:s3cret@db:5432/harbor\n');
    expect(loadConfig(ReportingEnv, { DATABASE_URL_FILE: secretFile }).DATABASE_URL).toBe('postgres://harbor:s3cret@db:5432/harbor');
  });

  it('does not leak a file-sourced value into the caller\'s environment object', () => {
    const env: Record<string, string> = { API_TOKEN_FILE: secretFile };
    loadConfig(SmallEnv, env);
    expect(env).toEqual({ API_TOKEN_FILE: secretFile });
  });
});

describe('loadConfig with the service configuration classes', () => {
  it('every service loads from an empty environment with its defaults', () => {
    expect(loadConfig(IntakeEnv, {})).toMatchObject({ HTTP_PORT: 3001, INTAKE_BODY_LIMIT: '256kb', INTAKE_MIN_HARM_LEVEL: 'mild' });
    expect(loadConfig(MatchingEnv, {})).toMatchObject({ HTTP_PORT: 3002, MATCHING_ACK_TIMEOUT_MINUTES: 15, MATCHING_MAX_OFFERS: 3 });
    expect(loadConfig(NotificationEnv, {})).toMatchObject({ HTTP_PORT: 3003, NOTIFY_LINK_GRACE_MINUTES: 60 });
    expect(loadConfig(ReportingEnv, {})).toMatchObject({ HTTP_PORT: 3004, REPORTING_MIN_CELL_SIZE: 11 });
  });

  it('bounds the consumer and connection-pool tuning, and only reporting waits for bigger fetches by default', () => {
    const services = [IntakeEnv, MatchingEnv, NotificationEnv, ReportingEnv] as (new () => ServiceEnv)[];
    expect(services.map((env) => loadConfig(env, {}).KAFKA_FETCH_MIN_BYTES)).toEqual([1, 1, 1, 65_536]);
    expect(loadConfig(MatchingEnv, {})).toMatchObject({ KAFKA_OFFSET_COMMIT_INTERVAL_MS: 1_000, DATABASE_POOL_SIZE: 10, DATABASE_POOL_IDLE_SECONDS: 300 });
    expect(loadConfig(MatchingEnv, { KAFKA_OFFSET_COMMIT_INTERVAL_MS: '0', DATABASE_POOL_IDLE_SECONDS: '0' })).toMatchObject({
      KAFKA_OFFSET_COMMIT_INTERVAL_MS: 0, DATABASE_POOL_IDLE_SECONDS: 0,
    });
    expect(configError(() => loadConfig(MatchingEnv, { KAFKA_OFFSET_COMMIT_INTERVAL_MS: '-1', DATABASE_POOL_SIZE: '0', KAFKA_FETCH_MIN_BYTES: '0' })).problems).toEqual([
      expect.stringMatching(/^DATABASE_POOL_SIZE: /), expect.stringMatching(/^KAFKA_OFFSET_COMMIT_INTERVAL_MS: /), expect.stringMatching(/^KAFKA_FETCH_MIN_BYTES: /),
    ]);
  });

  it('validates HTTP_PORT once, in ServiceEnv, for every service', () => {
    for (const env of [IntakeEnv, MatchingEnv, NotificationEnv, ReportingEnv] as (new () => ServiceEnv)[]) {
      expect(loadConfig(env, { HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
      expect(configError(() => loadConfig(env, { HTTP_PORT: '70000' })).problems).toEqual([expect.stringMatching(/^HTTP_PORT: /)]);
    }
  });

  it('serves metrics on a port of its own: each service has a default apart from its API port, and the same port is refused', () => {
    const services = [IntakeEnv, MatchingEnv, NotificationEnv, ReportingEnv] as (new () => ServiceEnv)[];
    expect(services.map((env) => loadConfig(env, {}).METRICS_PORT)).toEqual([9101, 9102, 9103, 9104]);
    for (const env of services) {
      const config = loadConfig(env, {});
      expect(config.METRICS_PORT).not.toBe(config.HTTP_PORT);
      expect(configError(() => loadConfig(env, { HTTP_PORT: '8080', METRICS_PORT: '8080' })).problems).toEqual([
        'METRICS_PORT: must differ from HTTP_PORT: metrics are never served on the API port',
      ]);
      expect(loadConfig(env, { HTTP_PORT: '0', METRICS_PORT: '0' })).toMatchObject({ HTTP_PORT: 0, METRICS_PORT: 0 });
    }
  });

  it('shares the ServiceEnv defaults', () => {
    const config = loadConfig(IntakeEnv, {});
    expect(config).toBeInstanceOf(ServiceEnv);
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_RETRY_ATTEMPTS: 5,
      LOG_LEVEL: 'info',
    });
    expect(config.jwksUrl).toBe('http://127.0.0.1:3999/.well-known/jwks.json');
  });

  it('splits KAFKA_BROKERS on commas and trims each entry', () => {
    expect(loadConfig(IntakeEnv, { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9093' }).KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9093']);
  });

  it('derives the JWKS URL from the issuer unless set explicitly', () => {
    expect(loadConfig(IntakeEnv, { AUTH_ISSUER: 'https://idp.example.org/' }).jwksUrl).toBe('https://idp.example.org/.well-known/jwks.json');
    expect(loadConfig(IntakeEnv, { AUTH_JWKS_URL: 'https://keys.example.org/jwks' }).jwksUrl).toBe('https://keys.example.org/jwks');
  });

  it('reads roles from the claim paths and map it is given (AUTH_ROLES_CLAIM, AUTH_ROLE_MAP)', () => {
    expect(loadConfig(IntakeEnv, {}).roleClaims).toEqual({ paths: ['roles'], map: undefined });
    const keycloak = loadConfig(IntakeEnv, { AUTH_ROLES_CLAIM: 'realm_access.roles, resource_access.harbor.roles' });
    expect(keycloak.roleClaims).toEqual({ paths: ['realm_access.roles', 'resource_access.harbor.roles'], map: undefined });
    const okta = loadConfig(IntakeEnv, { AUTH_ROLES_CLAIM: 'groups', AUTH_ROLE_MAP: '{"Harbor Admins":"program-admin"}' });
    expect(okta.roleClaims).toEqual({ paths: ['groups'], map: { 'Harbor Admins': ['program-admin'] } });
    expect(configError(() => loadConfig(IntakeEnv, { AUTH_ROLES_CLAIM: 'realm_access..roles' })).problems).toEqual([
      'AUTH_ROLES_CLAIM: must be dotted claim paths (e.g. realm_access.roles), comma-separated',
    ]);
    expect(configError(() => loadConfig(IntakeEnv, { AUTH_ROLE_MAP: '{"Harbor Admins":"admin"}' })).problems).toEqual([
      expect.stringMatching(/^AUTH_ROLE_MAP: maps "Harbor Admins" to something other than Harbor roles/),
    ]);
    expect(configError(() => loadConfig(IntakeEnv, { AUTH_ROLE_MAP: 'admins=program-admin' })).problems).toEqual([
      'AUTH_ROLE_MAP: must be a JSON object from role or group names to Harbor roles',
    ]);
  });

  it.each([
    ['KAFKA_BROKERS', 'nonsense'],
    ['KAFKA_BROKERS', '127.0.0.1:9092,kafka'],
    ['KAFKA_BROKERS', ' , '],
    ['HTTP_PORT', 'abc'],
    ['HTTP_PORT', '65536'],
    ['HTTP_PORT', ' '],
    ['DATABASE_URL', 'mysql://x'],
    ['KAFKA_TOPIC_PREFIX', 'has space'],
    ['KAFKA_RETRY_ATTEMPTS', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['AUTH_ISSUER', 'idp.example.org'],
    ['INTAKE_BODY_LIMIT', 'lots'],
    ['INTAKE_MIN_HARM_LEVEL', 'catastrophic'],
  ])('IntakeEnv rejects %s=%j and names it', (name, value) => {
    const error = configError(() => loadConfig(IntakeEnv, { [name]: value }));
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.every((problem) => problem.startsWith(`${name}: `))).toBe(true);
  });

  it.each([
    ['MatchingEnv', MatchingEnv, 'MATCHING_MAX_OFFERS', '51'],
    ['NotificationEnv', NotificationEnv, 'NOTIFY_LINK_SECRET', 'short'],
    ['NotificationEnv', NotificationEnv, 'NOTIFY_PUBLIC_BASE_URL', '/relative'],
    ['ReportingEnv', ReportingEnv, 'REPORTING_MIN_CELL_SIZE', '1'],
    ['ReportingEnv', ReportingEnv, 'REPORTING_HASH_KEY', 'tooshort'],
  ])('%s rejects %s=%j and names it', (_label, schema, name, value) => {
    const error = configError(() => loadConfig(schema as new () => object, { [name]: value }));
    expect(error.problems.every((problem) => problem.startsWith(`${name}: `))).toBe(true);
  });

  it('accepts HTTP_PORT=0 (any free port) and postgresql:// URLs', () => {
    expect(loadConfig(IntakeEnv, { HTTP_PORT: '0', DATABASE_URL: 'postgresql://h/db' })).toMatchObject({ HTTP_PORT: 0, DATABASE_URL: 'postgresql://h/db' });
  });

  it('ignores TF_CLI_CONFIG_FILE and similar tool variables in a real environment', () => {
    expect(() => loadConfig(IntakeEnv, { TF_CLI_CONFIG_FILE: '/nonexistent', KUBECONFIG_FILE: '/nonexistent' })).not.toThrow();
  });

  it('a declared setting\'s unreadable secret file names the variable', () => {
    const error = configError(() => loadConfig(IntakeEnv, { DATABASE_URL_FILE: '/nonexistent/harbor-db-url' }));
    expect(error.problems[0]).toMatch(/^DATABASE_URL_FILE: /);
  });
});
