import { registerDecorator, ValidationArguments } from 'class-validator';
import { keyRingProblem, parseKeyRing } from '@harbor/crypto';

/**
 * A key ring setting (`<id>:<base64 of 32 bytes>,…`; the first key seals, all keys open). In production a
 * ring that still holds a development key — alone or beside real ones — is refused, so a deployment cannot
 * seal with, or keep accepting, a key published in this repository.
 */
export function IsKeyRing(developmentRing: string) {
  const developmentKeys = new Set([...parseKeyRing(developmentRing).byId.values()].map((key) => key.material.toString('base64')));
  const problem = (value: unknown, args: ValidationArguments): string | undefined => {
    const syntax = keyRingProblem(value);
    if (syntax) return syntax;
    if ((args.object as { HARBOR_ENV?: string }).HARBOR_ENV !== 'production') return undefined;
    const keys = [...parseKeyRing(value as string).byId.values()];
    return keys.some((key) => developmentKeys.has(key.material.toString('base64')))
      ? 'must not contain the development key in production (it is public); generate keys with `openssl rand -base64 32`'
      : undefined;
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isKeyRing',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => problem(value, args) === undefined,
        defaultMessage: (args?: ValidationArguments) => (args ? problem(args.value, args) : undefined) ?? 'must be a key ring',
      },
    });
}

/** Public development keys for CONTACT_ENCRYPTION_KEYS (refused in production). */
export const DEVELOPMENT_CONTACT_ENCRYPTION_KEYS = 'development:aGFyYm9yLWRldmVsb3BtZW50LWNvbnRhY3Qta2V5ISE=';

/**
 * CONTACT_ENCRYPTION_KEYS, shared by matching (seals released contact details for notification) and
 * notification (opens them to render the accepted page): declared with this one decorator in both.
 */
export function ContactEncryptionKeys() {
  return IsKeyRing(DEVELOPMENT_CONTACT_ENCRYPTION_KEYS);
}
