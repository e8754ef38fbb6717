import { canonicalIdentifierSystem, identifierSystemAliases, isProviderIdentifierSystem, US_NPI_OID, US_NPI_SYSTEM } from './common';

describe('identifier systems', () => {
  it('knows the NPI under its URI and its OID, and nothing else as provider-only', () => {
    expect([US_NPI_SYSTEM, US_NPI_OID, ` ${US_NPI_SYSTEM} `].map(isProviderIdentifierSystem)).toEqual([true, true, true]);
    expect(['urn:mrn', 'http://hl7.org/fhir/sid/us-ssn', '', undefined].map(isProviderIdentifierSystem)).toEqual([false, false, false, false]);
  });

  it('treats the two spellings of the NPI as one system, the given spelling first; any other system is only itself', () => {
    expect(canonicalIdentifierSystem(US_NPI_OID)).toBe(US_NPI_SYSTEM);
    expect(identifierSystemAliases(US_NPI_SYSTEM)).toEqual([US_NPI_SYSTEM, US_NPI_OID]);
    expect(identifierSystemAliases(US_NPI_OID)).toEqual([US_NPI_OID, US_NPI_SYSTEM]);
    expect(identifierSystemAliases('urn:acme:employee')).toEqual(['urn:acme:employee']);
  });
});
