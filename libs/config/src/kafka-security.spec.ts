import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, TestPki } from '../../../test/support/test-pki';
import { ConfigValidationError, loadConfig } from './load-config';
import { ServiceEnv } from './service-env';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(ServiceEnv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected loadConfig to throw');
}

describe('Kafka security settings', () => {
  let dir: string;
  let pki: TestPki;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'harbor-kafka-settings-'));
    pki = createTestPki(join(dir, 'pki'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects in plaintext without credentials by default', () => {
    const env = loadConfig(ServiceEnv, {});
    expect(env.kafkaConnection).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it('describes TLS with a CA, mutual TLS and SCRAM credentials', () => {
    const env = loadConfig(ServiceEnv, {
      KAFKA_BROKERS: 'kafka-0:9093,kafka-1:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA: pki.caPem,
      KAFKA_SSL_CERT: pki.clientCertPem,
      KAFKA_SSL_KEY: pki.clientKeyPem,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'harbor-intake',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(env.kafkaConnection).toEqual({
      brokers: ['kafka-0:9093', 'kafka-1:9093'],
      ssl: { ca: pki.caPem, cert: pki.clientCertPem, key: pki.clientKeyPem },
      sasl: { mechanism: 'scram-sha-512', username: 'harbor-intake', password: 's3cret' },
    });
  });

  it('reads the PEM texts and the password from *_FILE', () => {
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const env = loadConfig(ServiceEnv, {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: file('ca.crt', pki.caPem),
      KAFKA_SSL_CERT_FILE: file('user.crt', pki.clientCertPem),
      KAFKA_SSL_KEY_FILE: file('user.key', pki.clientKeyPem),
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'harbor-matching',
      KAFKA_SASL_PASSWORD_FILE: file('password', 'from-a-file\n'),
    });
    expect(env.kafkaConnection.ssl).toEqual({ ca: pki.caPem.trim(), cert: pki.clientCertPem.trim(), key: pki.clientKeyPem.trim() });
    expect(env.kafkaConnection.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'harbor-matching', password: 'from-a-file' });
  });

  it('uses the system CAs when TLS is on without KAFKA_SSL_CA', () => {
    expect(loadConfig(ServiceEnv, { KAFKA_SSL: 'yes' }).kafkaConnection.ssl).toEqual({});
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['KAFKA_SSL is not a boolean', { KAFKA_SSL: 'sometimes' }, /^KAFKA_SSL: must be true or false$/],
    ['the CA is not PEM', { KAFKA_SSL: 'true', KAFKA_SSL_CA: 'not a certificate' }, /^KAFKA_SSL_CA: must be PEM text/],
    ['the CA is given without TLS', { KAFKA_SSL_CA: 'x' }, /^KAFKA_SSL_CA: is set but KAFKA_SSL is false/],
    ['the certificate comes without its key', { KAFKA_SSL: 'true', KAFKA_SSL_CERT: 'x' }, /^KAFKA_SSL_KEY: is required when KAFKA_SSL_CERT is set/],
    ['the key comes without its certificate', { KAFKA_SSL: 'true', KAFKA_SSL_KEY: 'x' }, /^KAFKA_SSL_CERT: is required when KAFKA_SSL_KEY is set/],
    ['the mechanism is unknown', { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /^KAFKA_SASL_MECHANISM: must be one of scram-sha-512, scram-sha-256, plain$/],
    ['plain is used without TLS', { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /^KAFKA_SASL_MECHANISM: plain sends the password in clear text/],
    ['the password is missing', { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, /^KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set/],
    ['the username is missing', { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'p' }, /^KAFKA_SASL_USERNAME: is required when KAFKA_SASL_MECHANISM is set/],
    ['credentials come without a mechanism', { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /^KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not/],
    ['KAFKA_CREATE_TOPICS is not a boolean', { KAFKA_CREATE_TOPICS: 'maybe' }, /^KAFKA_CREATE_TOPICS: must be true or false$/],
  ])('refuses a start where %s, naming the variable', (_case, env, expected) => {
    expect(problemsOf(env)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('refuses a key that does not belong to the certificate, or an encrypted one', () => {
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT: pki.clientCertPem, KAFKA_SSL_KEY: otherKey })).toEqual([
      'KAFKA_SSL_KEY: does not belong to the first certificate in KAFKA_SSL_CERT',
    ]);
    const encrypted = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT: pki.clientCertPem, KAFKA_SSL_KEY: encrypted })).toEqual([
      'KAFKA_SSL_KEY: is encrypted; give the unencrypted PKCS#8 key (Strimzi: user.key)',
    ]);
  });

  it('never quotes a secret in its messages', () => {
    const problems = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----', KAFKA_SSL_CERT: pki.clientCertPem });
    expect(problems.join('\n')).not.toContain('c2VjcmV0');
    expect(problems[0]).toMatch(/^KAFKA_SSL_KEY: cannot be read as a private key/);
  });

  it('creates topics in development and not in production, unless KAFKA_CREATE_TOPICS says otherwise', () => {
    expect(loadConfig(ServiceEnv, {}).createKafkaTopics).toBe(true);
    const production = { HARBOR_ENV: 'production', AUTH_ISSUER: 'https://sso.hospital.example/realms/harbor' };
    expect(loadConfig(ServiceEnv, production).createKafkaTopics).toBe(false);
    expect(loadConfig(ServiceEnv, { ...production, KAFKA_CREATE_TOPICS: 'true' }).createKafkaTopics).toBe(true);
    expect(loadConfig(ServiceEnv, { KAFKA_CREATE_TOPICS: 'false' }).createKafkaTopics).toBe(false);
  });
});
