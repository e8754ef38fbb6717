import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { HarborHarness, ServiceName } from '../support/harbor-harness';

const REPOSITORY = join(__dirname, '..', '..');
const SERVICES: ServiceName[] = ['intake', 'matching', 'notification', 'reporting'];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const metadataGenerator = require('../../scripts/openapi/generate-metadata') as { generate(service: string, filename?: string): string; FILENAME: string };

/** `GET /v1/cases/:id` in the Express router is `GET /v1/cases/{id}` in OpenAPI. */
const asOpenApi = (route: string) => route.replace(/:(\w+)/g, '{$1}');

/** Every route an app serves, from the Express router Nest registered them on. */
function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  const layers = (express.router ?? express._router).stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  // A path can have two handlers for one method (the link page answers a form post and a JSON post): one operation.
  const routes = layers
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).filter((method) => method !== '_all').map((method) => asOpenApi(`${method.toUpperCase()} ${layer.route!.path}`)));
  return [...new Set(routes)].sort();
}

/** The routes the README's "HTTP routes" table lists per service (a row may name several paths, or "all" services). */
function readmeRoutes(): Record<ServiceName, string[]> {
  const readme = readFileSync(join(REPOSITORY, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## HTTP routes'), readme.indexOf('\n## ', readme.indexOf('## HTTP routes') + 1));
  const routes = Object.fromEntries(SERVICES.map((service) => [service, [] as string[]])) as Record<ServiceName, string[]>;
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !/^(GET|POST|PUT|PATCH|DELETE)$/.test(cells[1])) continue;
    const [, method, paths, service] = cells;
    // The console's rows are checked against the console's own router (test/console/console-routes.test.ts).
    if (service === 'console') continue;
    const services = service === 'all' ? SERVICES : [service as ServiceName];
    for (const [, path] of paths.matchAll(/`([^`]+)`/g)) {
      for (const owner of services) routes[owner].push(asOpenApi(`${method} ${path.split('?')[0]}`));
    }
  }
  for (const service of SERVICES) routes[service].sort();
  return routes;
}

function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)).sort();
}

/**
 * The API describes itself: each service serves an OpenAPI document at /openapi.json built from its controllers
 * and DTOs, holding exactly the routes it serves; the README's route table lists the same routes; and the
 * plugin metadata checked in beside each app is what the generator makes from today's source.
 */
describe('OpenAPI documents', () => {
  let harbor: HarborHarness;
  const documents = {} as Record<ServiceName, { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>>; components?: { schemas?: Record<string, unknown> } }>;

  beforeAll(async () => {
    harbor = await HarborHarness.start();
    for (const service of SERVICES) {
      const response = await harbor.request(service, '/openapi.json');
      expect(response.status).toBe(200);
      documents[service] = (await response.json()) as (typeof documents)[ServiceName];
    }
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  it.each(SERVICES)('%s: the document lists exactly the routes the app serves', (service) => {
    expect(documents[service].openapi).toMatch(/^3\./);
    expect(documentedRoutes(documents[service])).toEqual(servedRoutes(harbor.apps[service]));
  });

  it.each(SERVICES)('%s: the README route table and the document name the same routes', (service) => {
    expect(readmeRoutes()[service]).toEqual(documentedRoutes(documents[service]));
  });

  it('describes request bodies from the DTOs (field types, limits and doc comments)', () => {
    const schemas = documents.matching.components?.schemas ?? {};
    const supporter = schemas.UpsertSupporterDto as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(supporter.required).toEqual(expect.arrayContaining(['id', 'displayName', 'profession']));
    expect(supporter.properties.maxOpenCases).toMatchObject({ minimum: 1, maximum: 20 });
    expect(supporter.properties.channels.description).toMatch(/preferred order/);
    expect(documents.matching.paths['/v1/roster/supporters'].post.requestBody).toBeDefined();
    expect(Object.keys(documents.intake.components?.schemas ?? {})).toEqual(expect.arrayContaining(['ReferralDto']));
  });

  it('the checked-in plugin metadata is up to date with the source (npm run openapi:metadata)', () => {
    for (const service of SERVICES) {
      const fresh = metadataGenerator.generate(service, `openapi-metadata.check-${process.pid}.ts`);
      try {
        const committed = readFileSync(join(REPOSITORY, 'apps', service, 'src', metadataGenerator.FILENAME), 'utf8');
        expect({ service, metadata: readFileSync(fresh, 'utf8') }).toEqual({ service, metadata: committed });
      } finally {
        rmSync(fresh, { force: true });
      }
    }
  }, 180_000);
});
