import { loadConfig } from '@harbor/config';
import { IntakeEnv } from '../intake.env';
import { SourceRegistry } from './source-registry';
import { Role } from '@harbor/auth';
import { actsAsSourceSystem } from './registered-source.guard';

const SECRET = 'x'.repeat(32);

describe('source registry', () => {
  const registry = new SourceRegistry([
    { id: 'rl-datix', hmacSecrets: [SECRET] },
    { id: 'epic-bridge', sources: ['http://ehr.example.org/fhir', 'epic'] },
  ]);

  it('binds each caller to the sources it may speak for (its own id by default)', () => {
    expect(registry.mayReportFor('rl-datix', 'rl-datix')).toEqual({ allowed: true });
    expect(registry.mayReportFor('rl-datix', 'risk-mgmt')).toEqual({ allowed: false, problem: "source system 'rl-datix' may not submit records for source 'risk-mgmt'" });
    expect(registry.mayReportFor('epic-bridge', 'epic')).toEqual({ allowed: true });
    expect(registry.mayReportFor('epic-bridge', 'epic-bridge')).toMatchObject({ allowed: false });
    expect(registry.mayReportFor('someone', 'rl-datix')).toEqual({ allowed: false, problem: "caller 'someone' is not a registered source system" });
    expect(registry.admits('someone')).toMatchObject({ allowed: false });
  });

  it('gives a FHIR resource without meta.source the caller’s first source; an open registry the configured default', () => {
    expect(registry.defaultSourceFor('epic-bridge', 'fhir')).toBe('http://ehr.example.org/fhir');
    expect(new SourceRegistry([]).defaultSourceFor('anyone', 'fhir')).toBe('fhir');
  });

  it('is open when empty: any source-system caller, any source, and nobody can sign', () => {
    const open = new SourceRegistry([]);
    expect(open.isOpen).toBe(true);
    expect(open.mayReportFor('anyone', 'anything')).toEqual({ allowed: true });
    expect(open.find('anyone')).toBeUndefined();
  });

  it('treats program staff as staff even when their token also carries the source-system role', () => {
    const staffAndSource = { subject: 'u', roles: [Role.ProgramAdmin, Role.SourceSystem], authenticatedBy: 'bearer-token' as const };
    expect(actsAsSourceSystem(staffAndSource, [Role.SourceSystem, Role.ProgramAdmin])).toBe(false);
    expect(actsAsSourceSystem(staffAndSource, [Role.SourceSystem])).toBe(true);
  });
});

describe('INTAKE_SOURCE_SYSTEMS', () => {
  const load = (env: Record<string, string>) => loadConfig(IntakeEnv, { DATABASE_URL: 'postgres://h/db', ...env });

  it('reads a JSON array of source systems', () => {
    const env = load({ INTAKE_SOURCE_SYSTEMS: JSON.stringify([{ id: 'rl-datix', hmacSecrets: [SECRET] }, { id: 'risk', sources: ['risk-mgmt'] }]) });
    expect(env.INTAKE_SOURCE_SYSTEMS.map((system) => system.id)).toEqual(['rl-datix', 'risk']);
    expect(new SourceRegistry(env.INTAKE_SOURCE_SYSTEMS).mayReportFor('risk', 'risk-mgmt')).toEqual({ allowed: true });
  });

  it('names the problem: not JSON, short secrets, bad ids, duplicates', () => {
    expect(() => load({ INTAKE_SOURCE_SYSTEMS: 'rl-datix=secret' })).toThrow(/INTAKE_SOURCE_SYSTEMS: must be a JSON array of source systems/);
    expect(() => load({ INTAKE_SOURCE_SYSTEMS: '[{"id":"a","hmacSecrets":["short"]}]' })).toThrow(/INTAKE_SOURCE_SYSTEMS\.0\.hmacSecrets: each of hmacSecrets must be at least 32 characters/);
    expect(() => load({ INTAKE_SOURCE_SYSTEMS: '[{"id":"has space"}]' })).toThrow(/INTAKE_SOURCE_SYSTEMS\.0\.id: id must be/);
    expect(() => load({ INTAKE_SOURCE_SYSTEMS: '[{"id":"a"},{"id":"a"}]' })).toThrow(/id 'a' is registered twice/);
  });

  it('must not be empty in production', () => {
    const production = { HARBOR_ENV: 'production', AUTH_ISSUER: 'https://sso.hospital.example', INTAKE_PUBLIC_BASE_URL: 'https://harbor.hospital.example',
      INTAKE_FORM_SECRET: 'a-private-form-secret-of-32-characters-or-more' };
    expect(() => load(production)).toThrow(/INTAKE_SOURCE_SYSTEMS: must register the source systems in production/);
    expect(load({ ...production, INTAKE_SOURCE_SYSTEMS: '[{"id":"a"}]' }).INTAKE_SOURCE_SYSTEMS).toHaveLength(1);
  });
});
