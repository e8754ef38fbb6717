import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingEnv } from '../../apps/matching/src/matching.env';
import { NotificationEnv } from '../../apps/notification/src/notification.env';
import { DEVELOPMENT_CONTACT_ENCRYPTION_KEYS } from '@harbor/config';
import { ConfigValidationError, loadConfig } from '@harbor/config';

const ring = (id = 'k1') => `${id}:${randomBytes(32).toString('base64')}`;
/** Every other secret a production notification needs, so only the setting under test can fail. */
const privateNotification = { NOTIFY_LINK_SECRET: 'a-private-link-secret-value', NOTIFY_SMS_HASH_KEY: 'a-private-sms-hash-key-value' };

function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  return [];
}

/** Only this setting's problems: production checks of other settings (added elsewhere) do not matter here. */
const problemsNaming = (name: string, load: () => unknown) => problems(load).filter((problem) => problem.startsWith(`${name}: `));

describe('CONTACT_ENCRYPTION_KEYS (matching and notification)', () => {
  const services: [string, new () => { CONTACT_ENCRYPTION_KEYS: string }][] = [['MatchingEnv', MatchingEnv], ['NotificationEnv', NotificationEnv]];
  it.each(services)('%s: development runs on the public key, production refuses it', (_label, schema) => {
    expect(loadConfig(schema, {}).CONTACT_ENCRYPTION_KEYS).toBe(DEVELOPMENT_CONTACT_ENCRYPTION_KEYS);
    expect(problems(() => loadConfig(schema, { HARBOR_ENV: 'production', ...privateNotification }))).toContainEqual(
      expect.stringMatching(/^CONTACT_ENCRYPTION_KEYS: must not contain the development key in production/),
    );
  });

  it('production refuses the development key kept beside a real one (e.g. left in during a rotation)', () => {
    const keys = `${ring('2026-11')},${DEVELOPMENT_CONTACT_ENCRYPTION_KEYS}`;
    expect(problemsNaming('CONTACT_ENCRYPTION_KEYS', () => loadConfig(MatchingEnv, { HARBOR_ENV: 'production', CONTACT_ENCRYPTION_KEYS: keys }))).toEqual([
      expect.stringMatching(/^CONTACT_ENCRYPTION_KEYS: must not contain the development key/),
    ]);
  });

  it('production accepts private keys, from the variable or a mounted file', () => {
    const keys = `${ring('2026-11')},${ring('2026-05')}`;
    expect(problemsNaming('CONTACT_ENCRYPTION_KEYS', () => loadConfig(MatchingEnv, { HARBOR_ENV: 'production', CONTACT_ENCRYPTION_KEYS: keys }))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'harbor-keys-'));
    try {
      writeFileSync(join(dir, 'keys'), `${keys}\n`);
      expect(loadConfig(NotificationEnv, { CONTACT_ENCRYPTION_KEYS_FILE: join(dir, 'keys') }).CONTACT_ENCRYPTION_KEYS).toBe(keys);
      const production = { HARBOR_ENV: 'production', ...privateNotification, CONTACT_ENCRYPTION_KEYS_FILE: join(dir, 'keys') };
      expect(problemsNaming('CONTACT_ENCRYPTION_KEYS', () => loadConfig(NotificationEnv, production))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([['k1:tooshort'], ['no-separator'], [`${ring('a')},${ring('a')}`]])('refuses %j naming the variable and not the key', (value) => {
    const found = problems(() => loadConfig(MatchingEnv, { CONTACT_ENCRYPTION_KEYS: value }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^CONTACT_ENCRYPTION_KEYS: key /);
    for (const entry of value.split(',')) if (entry.length > 20) expect(found[0]).not.toContain(entry.split(':')[1]);
  });
});

describe('NOTIFY_SMS_HASH_KEY', () => {
  it('production refuses the development default (a missing key)', () => {
    const production = { HARBOR_ENV: 'production', NOTIFY_LINK_SECRET: 'a-private-link-secret-value', CONTACT_ENCRYPTION_KEYS: ring() };
    expect(problemsNaming('NOTIFY_SMS_HASH_KEY', () => loadConfig(NotificationEnv, production)))
      .toEqual([expect.stringMatching(/^NOTIFY_SMS_HASH_KEY: must be set to a private value in production/)]);
  });

  it('must differ from NOTIFY_LINK_SECRET: one key per purpose', () => {
    const same = 'the-same-secret-for-two-purposes';
    expect(problems(() => loadConfig(NotificationEnv, { NOTIFY_LINK_SECRET: same, NOTIFY_SMS_HASH_KEY: same })))
      .toEqual(['NOTIFY_SMS_HASH_KEY: must differ from NOTIFY_LINK_SECRET (one key per purpose)']);
  });

  it('is at least 16 characters', () => {
    expect(problems(() => loadConfig(NotificationEnv, { NOTIFY_SMS_HASH_KEY: 'short' }))).toEqual(['NOTIFY_SMS_HASH_KEY: must be at least 16 characters']);
  });

  it('production accepts a private key', () => {
    const production = { HARBOR_ENV: 'production', ...privateNotification, CONTACT_ENCRYPTION_KEYS: ring() };
    expect(problemsNaming('NOTIFY_SMS_HASH_KEY', () => loadConfig(NotificationEnv, production))).toEqual([]);
  });
});
