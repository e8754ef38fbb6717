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
