import { registerDecorator, ValidationArguments } from 'class-validator';

/**
 * For secrets that have a convenient default for local runs: when HARBOR_ENV is `production`, the
 * development value is refused, so a deployment cannot start with a secret published in this repository.
 */
export function NotDevelopmentDefaultInProduction(developmentValue: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notDevelopmentDefaultInProduction',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const environment = (args.object as { HARBOR_ENV?: string }).HARBOR_ENV;
          return environment !== 'production' || value !== developmentValue;
        },
        defaultMessage: () => 'must be set to a private value in production (the development default is public)',
      },
    });
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
