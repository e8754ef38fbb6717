import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { MessagingRuntime } from '@harbor/messaging';
import { HarborHarness, ServiceName } from '../support/harbor-harness';
import { KafkaMessage } from 'kafkajs';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { concretePath, servedRoutes } from '../support/served-routes';
import { ROUTE_ACCESS } from './route-access';
import { EVENT_SEEDS, roleFor, ROUTE_SEEDS, RouteSeed } from './input-seeds';
import { versionedType } from '@harbor/contracts';

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
 * The routes the hostile-input tests call: every route the apps serve (read routes with their seed's query, if
 * any). A write route without a seed is reported, so a new route cannot slip past the tests.
 */
export function routesUnderTest(harbor: HarborHarness): { routes: ServedRoute[]; unseeded: string[] } {
  const routes: ServedRoute[] = [];
  const unseeded: string[] = [];
  for (const service of SERVICES) {
    if (!harbor.apps[service]) continue;
    for (const route of servedRoutes(harbor.apps[service])) {
      const [method, path] = route.split(' ');
      // A read route without a seed is still fuzzed through its path parameters (and a query it does not expect).
      const seed = ROUTE_SEEDS[service][route] ?? (method === 'GET' ? () => ({}) : undefined);
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

/** One event type a service consumes, as discovered from its running messaging runtime. */
export interface ConsumedType {
  service: ServiceName;
  /** Topic name before the harness's prefix. */
  topic: string;
  /** `<type>.v<version>`. */
  type: string;
  /** A hospital system's topic: records carry no CloudEvents type (read as `typeWhenAbsent`). */
  inbound: boolean;
  seed: () => Record<string, unknown>;
}

/** Every event type every service of the harness consumes; a type without a seed in EVENT_SEEDS is reported. */
export function consumedTypes(harbor: HarborHarness): { types: ConsumedType[]; unseeded: string[] } {
  const types: ConsumedType[] = [];
  const unseeded: string[] = [];
  for (const service of SERVICES) {
    if (!harbor.apps[service]) continue;
    for (const subscription of harbor.apps[service].get(MessagingRuntime).subscriptions) {
      for (const handler of subscription.handlers) {
        const type = versionedType(handler.definition);
        const seed = EVENT_SEEDS[type];
        if (!seed) unseeded.push(`${service} ${subscription.topic} ${type}`);
        else types.push({ service, topic: subscription.topic, type, inbound: subscription.typeWhenAbsent === type, seed: () => seed(harbor) });
      }
    }
  }
  return { types, unseeded };
}

/** Headers a record of this type carries: Harbor's CloudEvents envelope, or only an id on a hospital system's topic. */
export function recordHeaders(consumed: ConsumedType, id: string, correlationId: string = randomUUID()): Record<string, string> {
  if (consumed.inbound) return { ce_id: id, correlation_id: correlationId };
  return {
    ce_specversion: '1.0', ce_id: id, ce_type: consumed.type, ce_source: 'harbor/fuzz', ce_time: new Date().toISOString(),
    'content-type': 'application/json', correlation_id: correlationId,
  };
}

export interface HostileRecord {
  what: string;
  value: string;
  /** Bad input that must never be applied: it is dead-lettered (at the first attempt, with a reason). */
  mustDeadLetter: boolean;
}

/** Each class of bad input, field by field, in a record of the seed's type. */
export function hostileRecords(seed: () => Record<string, unknown>): HostileRecord[] {
  const document = seed();
  const records: HostileRecord[] = [];
  valuePaths(document).forEach((path, index) => {
    const at = (value: unknown) => JSON.stringify(withValue(seed(), path, value));
    const current = valueAt(document, path);
    if (typeof current === 'string' && /^\d{4}-\d{2}-\d{2}/.test(current)) {
      for (const date of BAD_DATES.slice(0, 8)) records.push({ what: `${path.join('.')}=${date}`, value: at(date), mustDeadLetter: true });
    } else if (typeof current === 'string') {
      const bad = BAD_STRINGS[index % BAD_STRINGS.length];
      records.push({ what: `${path.join('.')}=${JSON.stringify(bad)}`, value: at(current + bad), mustDeadLetter: true });
    }
    records.push({ what: `${path.join('.')}=null`, value: at(null), mustDeadLetter: false });
    const keys = PROTOTYPE_KEYS[index % PROTOTYPE_KEYS.length];
    records.push({ what: `${path.join('.')}=${JSON.stringify(keys)}`, value: at(keys), mustDeadLetter: true });
  });
  const valid = JSON.stringify(document);
  records.push(
    { what: '3000 deep', value: deeplyNested(3000), mustDeadLetter: true },
    { what: 'field 3000 deep', value: `${valid.slice(0, -1)},"extra":${deeplyNested(3000, '{"a":', '}')}}`, mustDeadLetter: true },
    { what: 'not JSON', value: `${valid.slice(0, -1)}`, mustDeadLetter: true },
    { what: 'top-level __proto__', value: `{"__proto__":{"admin":true},${valid.slice(1)}`, mustDeadLetter: true },
  );
  return records;
}

/** What went wrong with one record: applied though bad, retried, dead-lettered without a reason, or lost. */
export interface RecordWrong {
  type: string;
  what: string;
  problem: string;
}

/**
 * Publishes the records (each type's on its topic, one key, so one partition and one order), each followed by a
 * valid record of its type, and waits for those valid records to be processed: everything before them is then
 * settled. Reports every record that was applied though bad, dead-lettered after retries or without a reason, or
 * neither applied nor dead-lettered (lost).
 */
export async function publishAndSettle(
  harbor: HarborHarness,
  batches: { consumed: ConsumedType; records: HostileRecord[] }[],
  timeoutMs = 60_000,
): Promise<RecordWrong[]> {
  const producer = kafkaClient().producer();
  await producer.connect();
  const sent: { consumed: ConsumedType; id: string; record: HostileRecord }[] = [];
  const validAfter: { consumed: ConsumedType; id: string }[] = [];
  try {
    for (const { consumed, records } of batches) {
      const messages = records.map((record) => {
        const id = randomUUID();
        sent.push({ consumed, id, record });
        return { key: 'fuzz', value: record.value, headers: recordHeaders(consumed, id) };
      });
      const id = randomUUID();
      validAfter.push({ consumed, id });
      messages.push({ key: 'fuzz', value: JSON.stringify(consumed.seed()), headers: recordHeaders(consumed, id) });
      await producer.send({ topic: harbor.topic(consumed.topic), messages });
    }
  } finally {
    await producer.disconnect();
  }
  const publishedAt = Date.now();
  const processedIds = async (ids: { consumed: ConsumedType; id: string }[]) => {
    const found = new Set<string>();
    for (const service of new Set(ids.map((entry) => entry.consumed.service))) {
      const { rows } = await harbor.db.query(`SELECT "event_id" FROM "${service}"."processed_messages" WHERE "consumer" = $1 AND "event_id" = ANY($2)`, [
        `harbor-${service}`, ids.filter((entry) => entry.consumed.service === service).map((entry) => entry.id),
      ]);
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  };
  const wrongs: RecordWrong[] = [];
  await waitFor(async () => (await processedIds(validAfter)).size === validAfter.length, 'the valid record after the bad ones, on every consumed type', timeoutMs).catch(async () => {
    const processed = await processedIds(validAfter);
    for (const { consumed, id } of validAfter) if (!processed.has(id)) wrongs.push({ type: consumed.type, what: 'valid record after the bad ones', problem: 'not processed' });
  });
  const processed = await processedIds(sent);
  const settledAt = Date.now();
  const deadLetters = await readDeadLetters(harbor, sent.filter((entry) => !processed.has(entry.id)).map((entry) => entry.consumed.topic));
  const byId = new Map(deadLetters.map((message) => [message.headers?.ce_id?.toString(), message]));
  for (const entry of sent) {
    const { type } = entry.consumed;
    const { what } = entry.record;
    if (processed.has(entry.id)) {
      if (entry.record.mustDeadLetter) wrongs.push({ type, what, problem: 'bad input was applied' });
      continue;
    }
    const dead = byId.get(entry.id);
    if (!dead) {
      wrongs.push({ type, what, problem: 'neither processed nor dead-lettered (lost)' });
      continue;
    }
    const attempts = dead.headers?.dlq_attempt_count?.toString();
    const reason = dead.headers?.dlq_error_message?.toString() ?? '';
    if (attempts !== '1') wrongs.push({ type, what, problem: `dead-lettered after ${attempts} attempts (${reason})` });
    if (reason.length === 0) wrongs.push({ type, what, problem: 'dead-lettered without a reason' });
  }
  timings.push({ settleMs: settledAt - publishedAt, deadLetterReadMs: Date.now() - settledAt });
  return wrongs;
}

/** How long the last settles took (publishing to settled, then reading the dead letters), for the fuzz report. */
export const timings: { settleMs: number; deadLetterReadMs: number }[] = [];

/** The dead letters of the given topics (one per entry, so a topic named twice expects two), read with one consumer. */
async function readDeadLetters(harbor: HarborHarness, topics: string[]): Promise<KafkaMessage[]> {
  if (topics.length === 0) return [];
  const consumer = kafkaClient().consumer({ groupId: `fuzz-dead-letters-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(topics)].map((topic) => `${harbor.topic(topic)}.dlq`), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(async () => messages.length >= topics.length, `${topics.length} dead letter(s)`, 30_000).catch(() => undefined);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Publishes one record of a consumed type, with the correlation id header given. */
export async function publishRecord(harbor: HarborHarness, consumed: ConsumedType, value: string, correlationId?: string): Promise<string> {
  const producer = kafkaClient().producer();
  await producer.connect();
  const id = randomUUID();
  try {
    await producer.send({ topic: harbor.topic(consumed.topic), messages: [{ key: 'fuzz', value, headers: recordHeaders(consumed, id, correlationId) }] });
  } finally {
    await producer.disconnect();
  }
  return id;
}
