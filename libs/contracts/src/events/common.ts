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

/** The US National Provider Identifier system (FHIR's canonical URI for it). */
export const US_NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/** The same system as an OID; sources use either form. */
export const US_NPI_OID = 'urn:oid:2.16.840.1.113883.4.6';

/**
 * The canonical form of an identifier system, for comparing identifiers: the NPI's OID form becomes its URI.
 * Every other system is kept as given. Identifiers are stored as the source gave them.
 */
export function canonicalIdentifierSystem(system: string): string {
  return isProviderIdentifierSystem(system) ? US_NPI_SYSTEM : system;
}

/** Every spelling of the same identifier system (the NPI's URI and OID), the given one first. */
export function identifierSystemAliases(system: string): string[] {
  if (canonicalIdentifierSystem(system) !== US_NPI_SYSTEM) return [system];
  return [system, ...[US_NPI_SYSTEM, US_NPI_OID].filter((alias) => alias !== system)];
}

/**
 * Whether an identifier system is issued only to health-care providers (so whoever carries one is a
 * practitioner, never a patient): the NPI, in either form.
 */
export function isProviderIdentifierSystem(system: string | undefined): boolean {
  const trimmed = system?.trim();
  return trimmed === US_NPI_SYSTEM || trimmed === US_NPI_OID;
}
