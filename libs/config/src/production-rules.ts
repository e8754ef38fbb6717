import { registerDecorator, ValidationArguments } from 'class-validator';

/**
 * "Production is production": rules a setting must follow when HARBOR_ENV is `production`, each refusing a
 * development convenience (a published secret, the development token issuer, plain HTTP, printing pages to the
 * log). Every service's env class uses these decorators, so one mechanism decides, at start-up, with a message
 * naming the variable (`loadConfig` lists each as `NAME: message`). In development they never apply.
 */
export function InProduction(name: string, allowed: (value: unknown) => boolean, message: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return (args.object as { HARBOR_ENV?: string }).HARBOR_ENV !== 'production' || allowed(value);
        },
        defaultMessage: () => message,
      },
    });
}

/** Markers the repository's example and development secrets carry, so no variant of them passes either. */
const PLACEHOLDER_MARKERS = /CHANGE-?ME|REPLACE-?ME/i;

/**
 * For secrets with a published value (the code's default for local runs, the Compose files under
 * deploy/compose/secrets): refused in production, as is anything carrying a placeholder marker.
 */
export function NotDevelopmentDefaultInProduction(...publishedValues: string[]) {
  return InProduction(
    'notDevelopmentDefaultInProduction',
    (value) => typeof value !== 'string' || (!publishedValues.includes(value) && !PLACEHOLDER_MARKERS.test(value)),
    'must be set to a private value in production (the development default is public)',
  );
}

/** URLs that carry credentials or links that are credentials: TLS only in production. Unset optional URLs pass. */
export function HttpsInProduction(why: string) {
  return InProduction(
    'httpsInProduction',
    (value) => value === undefined || (typeof value === 'string' && /^https:\/\//i.test(value)),
    `must be an https:// URL in production (${why})`,
  );
}

/** Switches meant for demos and local runs only. */
export function OffInProduction(why: string) {
  return InProduction('offInProduction', (value) => value === false, `must be false in production (${why})`);
}

/** The database password docker-compose.yml publishes (POSTGRES_PASSWORD's default). */
export const DEVELOPMENT_DATABASE_PASSWORDS = ['harbor-dev'];

/** A connection URL whose password is a published development one is refused in production. */
export function NoDevelopmentPasswordInProduction() {
  return InProduction(
    'noDevelopmentPasswordInProduction',
    (value) => typeof value !== 'string' || !DEVELOPMENT_DATABASE_PASSWORDS.includes(passwordOf(value)),
    'must not use the development database password from docker-compose.yml in production',
  );
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** Separate keys for separate purposes: the setting may not reuse the value of `otherSetting` (named in the message). */
export function DiffersFrom(otherSetting: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'differsFrom',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => value !== (args.object as Record<string, unknown>)[otherSetting],
        defaultMessage: () => `must differ from ${otherSetting} (one key per purpose)`,
      },
    });
}
