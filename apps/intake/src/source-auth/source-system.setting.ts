import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength, registerDecorator, ValidationArguments,
} from 'class-validator';

/**
 * One system allowed to submit triggers over HTTP. `id` is who it is: the subject of its bearer tokens,
 * or the X-Harbor-Source of its signed requests. `sources` are the payload `source` values (native
 * `source`, FHIR `meta.source`) it may speak for; by default only its own id.
 */
export class SourceSystemSetting {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/, { message: 'id must be 1–100 letters, digits or . _ : @ / -' })
  id: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  sources?: string[];

  /** HMAC-SHA256 secrets for signed requests; two while rotating. None: the system uses bearer tokens only. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  @MinLength(32, { each: true, message: 'each of hmacSecrets must be at least 32 characters' })
  hmacSecrets?: string[];
}

/**
 * INTAKE_SOURCE_SYSTEMS is a JSON array (usually mounted from a secret with INTAKE_SOURCE_SYSTEMS_FILE).
 * Text that is not a JSON array is left as is, so validation names the variable instead of throwing here.
 */
export function parseSourceSystems({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map((entry) => plainToInstance(SourceSystemSetting, entry)) : value;
  } catch {
    return value;
  }
}

/** Ids are unique, and a production deployment names its source systems rather than running open. */
export function IsSourceSystemRegistry() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSourceSystemRegistry',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return registryProblem(value, (args.object as { HARBOR_ENV?: string }).HARBOR_ENV) === undefined;
        },
        defaultMessage(args: ValidationArguments) {
          return registryProblem(args.value, (args.object as { HARBOR_ENV?: string }).HARBOR_ENV) ?? '';
        },
      },
    });
}

function registryProblem(value: unknown, environment: string | undefined): string | undefined {
  if (!Array.isArray(value)) return undefined; // @IsArray says so
  if (value.length === 0 && environment === 'production') {
    return 'must register the source systems in production (a JSON array of {id, sources?, hmacSecrets?}); an empty registry lets any source-system token speak for any source';
  }
  const ids = value.map((entry: { id?: unknown }) => entry?.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  return repeated === undefined ? undefined : `id '${String(repeated)}' is registered twice`;
}
