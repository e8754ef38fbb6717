import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** An identifier as source systems give it: a namespace (FHIR `system`, e.g. the NPI URI) and a value. */
export class IdentifierV1 {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  system: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  value: string;
}

export function identifierKey(identifier: IdentifierV1): string {
  return `${identifier.system}|${identifier.value}`;
}
