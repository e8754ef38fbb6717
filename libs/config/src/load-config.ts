import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { describeFieldProblems } from '@harbor/input';

/** Raised at start-up when the environment does not describe a valid configuration. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Secrets may be mounted as files: `FOO_FILE=/run/secrets/foo` sets `FOO` from the file's content.
 * An explicit `FOO` wins over `FOO_FILE`, so a developer can override a mounted secret locally.
 */
export function resolveSecretFiles(env: Env, known: Set<string>): Env {
  const resolved: Env = { ...env };
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith('_FILE') || !value) continue;
    const target = name.slice(0, -'_FILE'.length);
    // Only variables Harbor reads: other tools' *_FILE variables in the environment are none of its business.
    if (!known.has(target)) continue;
    if (resolved[target] !== undefined && resolved[target] !== '') continue;
    try {
      resolved[target] = readFileSync(value, 'utf8').trim();
    } catch (error) {
      throw new ConfigValidationError([`${name}: cannot read secret file ${value} (${(error as Error).message})`]);
    }
  }
  return resolved;
}

/** The variables a configuration class declares (every validated property). */
export function settingNames(schema: new () => object): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return new Set(metadata.map((entry) => entry.propertyName));
}

/**
 * Parses and validates the environment into a typed configuration object.
 * Empty strings count as unset, so `FOO=` falls back to the default rather than failing oddly.
 */
export function loadConfig<T extends object>(schema: new () => T, env: Env = process.env): T {
  const withSecrets = resolveSecretFiles(env, settingNames(schema));
  const present = Object.fromEntries(Object.entries(withSecrets).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(schema, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(describeFieldProblems(errors));
  return config;
}
