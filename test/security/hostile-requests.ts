import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { HarborHarness, ServiceName } from '../support/harbor-harness';
import { concretePath, servedRoutes } from '../support/served-routes';
import { ROUTE_ACCESS } from './route-access';
import { roleFor, ROUTE_SEEDS, RouteSeed } from './input-seeds';

export const SERVICES: ServiceName[] = ['intake', 'matching', 'notification', 'reporting'];
export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** One route as served, with its seed and the role it is called with. */
export interface ServedRoute {
  service: ServiceName;
  route: string;
  method: string;
  path: string;
  role?: Role;
  seed: () => RouteSeed;
}

/**
 * The routes the hostile-input tests call: every write route the apps serve, and every read route that has a seed
 * (its query is fuzzed). A write route without a seed is reported, so a new route cannot slip past the tests.
 */
export function routesUnderTest(harbor: HarborHarness): { routes: ServedRoute[]; unseeded: string[] } {
  const routes: ServedRoute[] = [];
  const unseeded: string[] = [];
  for (const service of SERVICES) {
    if (!harbor.apps[service]) continue;
    for (const route of servedRoutes(harbor.apps[service])) {
      const [method, path] = route.split(' ');
      const seed = ROUTE_SEEDS[service][route];
      if (!seed) {
        if (WRITE_METHODS.includes(method)) unseeded.push(`${service} ${route}`);
        continue;
      }
      routes.push({ service, route, method, path, role: roleFor(ROUTE_ACCESS[service][route]), seed });
    }
  }
  return { routes, unseeded };
}

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** Calls a route with a body (JSON unless a string is given) and a query. */
export async function callRoute(
  harbor: HarborHarness,
  route: ServedRoute,
  input: { body?: unknown; rawBody?: string | Buffer; query?: Record<string, string>; params?: Record<string, string>; contentType?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { ...input.headers };
  if (route.role) headers.authorization = `Bearer ${await harbor.token(route.role, 'fuzz-caller')}`;
  const hasBody = input.rawBody !== undefined || input.body !== undefined;
  if (hasBody) headers['content-type'] = input.contentType ?? 'application/json';
  const body = input.rawBody?.toString() ?? (typeof input.body === 'string' ? input.body : input.body === undefined ? undefined : JSON.stringify(input.body));
  const query = input.query && Object.keys(input.query).length > 0 ? `?${new URLSearchParams(input.query)}` : '';
  const path = concretePath(route.path, input.params ?? {}, () => randomUUID());
  const response = await fetch(`${harbor.urls[route.service]}${path}${query}`, { method: route.method, headers, body: body as string | undefined, redirect: 'manual' });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/**
 * Whether a refusal says what was wrong: problem+json with `errors` naming fields or a `detail`, or a FHIR
 * OperationOutcome with diagnostics. Routes that answer HTML (the signed link) or 401/403/404 are judged elsewhere.
 */
export function namesTheProblem(answer: Answer): boolean {
  let parsed: { errors?: { field?: string; message?: string }[]; detail?: string; issue?: { diagnostics?: string }[] };
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return false;
  }
  if (Array.isArray(parsed.errors)) return parsed.errors.length > 0 && parsed.errors.every((error) => !!error.field && !!error.message);
  if (Array.isArray(parsed.issue)) return parsed.issue.length > 0 && parsed.issue.every((issue) => !!issue.diagnostics);
  return typeof parsed.detail === 'string' && parsed.detail.length > 0;
}

export type JsonPath = (string | number)[];

/** Paths of every value in a JSON document (objects and arrays included, the root excluded). */
export function valuePaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = [...path, Array.isArray(value) ? Number(key) : key];
    return [childPath, ...valuePaths(child, childPath)];
  });
}

/** A deep copy of `document` with the value at `path` replaced. */
export function withValue(document: unknown, path: JsonPath, value: unknown): unknown {
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
  return copy;
}

export function valueAt(document: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], document);
}

/** Dates the issue found accepted by the old validator and refused by Postgres, and their neighbours. */
export const BAD_DATES = [
  '2026-W48-4', '2026W48', '+2026-11-26', '2026', '2026-11-26T10,5Z', '2026-02-30', '2026-11-26T10:00:00+25:00', '2026-11-26T10:00:00+16:00',
  '20261126', '2026-330', '2026-11-26T24:00:00Z', '0000-01-01', '2026-11-26T10:00', '2026-11', '-2026-11-26', '275760-09-13', '2026-11-26T10:00:00.5+14:60',
];

export const BAD_STRINGS = ['a\u0000b', '\uD800', 'x\uDC00y', '\uDBFF\uDBFF'];

/** JSON text nested `depth` levels deep, built without recursion. */
export function deeplyNested(depth: number, open = '[', close = ']'): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}

/** A value whose nested keys name the prototype machinery. */
export const PROTOTYPE_KEYS: unknown[] = [
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"__proto__":{"polluted":true}}'),
  JSON.parse('{"nested":{"constructor":"x"}}'),
];
