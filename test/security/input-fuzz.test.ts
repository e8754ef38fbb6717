import fc from 'fast-check';
import { HarborHarness } from '../support/harbor-harness';
import {
  BAD_DATES, BAD_STRINGS, callRoute, consumedTypes, deeplyNested, HostileRecord, JsonPath, namesTheProblem, PROTOTYPE_KEYS, publishAndSettle,
  routesUnderTest, ServedRoute, timings, valuePaths, withValue,
} from './hostile-requests';

/**
 * Bounded fuzzing of every route and every consumed topic of every service (discovered from the running apps),
 * with a fixed seed: no answer is a 5xx, every refusal names its problem, and on Kafka every record is applied
 * or dead-lettered at the first attempt with a reason, and the valid record after them is still applied.
 * `npm run fuzz` runs the same with far more cases and a fresh seed (scripts/fuzz.js).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const HTTP_RUNS_PER_ROUTE = Number(process.env.FUZZ_HTTP_RUNS ?? 40);
const RECORDS_PER_TYPE = Number(process.env.FUZZ_RECORDS ?? 60);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 240_000);

/** Any value a client could put in a field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...BAD_DATES),
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2026-11-26', '2026-11-26T10:00:00Z', '2026-11-26T10:00:00.123456789+14:00', '9999-12-31T23:59:59-14:00', '1000-01-01T00:00:00+14:00'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...BAD_STRINGS)).map(([text, bad]) => text + bad),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(null),
  fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1, 0, 2 ** 31, 2 ** 53 + 1, -0)),
  fc.string({ minLength: 150, maxLength: 3000 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 600 }),
);

/** A key a client could add. */
const hostileKey = fc.oneof(fc.constantFrom('constructor', '__proto__', 'prototype', 'extra', 'toString', 'hasOwnProperty'), fc.string({ unit: 'binary', maxLength: 8 }));

type BodyCase = { kind: 'mutate'; changes: { at: number; value: unknown; addKey?: string }[] } | { kind: 'raw'; text: string };

const bodyCase: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.record({ at: fc.nat(), value: hostileValue, addKey: fc.option(hostileKey, { nil: undefined, freq: 5 }) }), { minLength: 1, maxLength: 3 }).map((changes) => ({ kind: 'mutate' as const, changes })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer({ min: 20, max: 6000 }).map((depth) => deeplyNested(depth)),
      fc.integer({ min: 20, max: 6000 }).map((depth) => deeplyNested(depth, '{"a":', '}')),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    ).map((text) => ({ kind: 'raw' as const, text })),
  },
);

/** The seed with the changes applied (a change whose parent is no longer an object is skipped). */
function mutated(document: unknown, changes: { at: number; value: unknown; addKey?: string }[]): unknown {
  let current = document;
  for (const change of changes) {
    const paths: JsonPath[] = [[], ...valuePaths(current)];
    const path = paths[change.at % paths.length];
    try {
      if (change.addKey !== undefined || path.length === 0) {
        const target = path.length === 0 ? current : undefined;
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
          current = JSON.parse(JSON.stringify(target));
          (current as Record<string, unknown>)[change.addKey ?? 'extra'] = change.value;
          if (change.addKey === '__proto__') current = JSON.parse(JSON.stringify(current).replace(/^\{/, `{"__proto__":${JSON.stringify(change.value) ?? 'null'},`));
        } else current = change.value;
      } else {
        current = withValue(current, path, change.value);
      }
    } catch {
      // the path went through a value an earlier change replaced
    }
  }
  return current;
}

/** A query value as a URL carries it (URLs cannot carry unpaired surrogates: they arrive as U+FFFD). */
const queryText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '').replace(/[\uD800-\uDFFF]/g, '\uFFFD');

describe('input fuzzing: every route and every consumed topic of every service', () => {
  let harbor: HarborHarness;
  let routes: ServedRoute[];

  beforeAll(async () => {
    harbor = await HarborHarness.start();
    const discovered = routesUnderTest(harbor);
    expect(discovered.unseeded).toEqual([]);
    routes = discovered.routes;
    const supporter = routes.find((route) => route.route === 'POST /v1/roster/supporters')!;
    await callRoute(harbor, supporter, { body: supporter.seed().body });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  it('HTTP: no random body, query or path parameter gets a 5xx, and every refusal names its problem', async () => {
    const wrongs: unknown[] = [];
    let calls = 0;
    const started = Date.now();
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(bodyCase, fc.nat(), hostileValue, fc.boolean(), async (body, queryAt, queryValue, hostileParam) => {
          const seed = route.seed();
          const query = { ...seed.query };
          const queryNames = Object.keys(query);
          if (queryNames.length > 0) query[queryNames[queryAt % queryNames.length]] = queryText(queryValue);
          else if (route.method === 'GET' && queryAt % 2 === 0) query.unexpected = queryText(queryValue);
          const params = hostileParam ? Object.fromEntries((route.path.match(/:(\w+)/g) ?? []).map((name) => [name.slice(1), queryText(queryValue)])) : seed.params;
          const contentType = seed.contentType ?? 'application/json';
          const input = route.method === 'GET' ? {} : body.kind === 'raw' || seed.body === undefined || typeof seed.body === 'string'
            ? { rawBody: body.kind === 'raw' ? body.text : JSON.stringify(mutated({}, body.changes)), contentType: contentType.includes('json') ? contentType : 'application/json' }
            : { body: mutated(seed.body, body.changes), contentType };
          const answer = await callRoute(harbor, route, { ...input, query: route.method === 'GET' || seed.query ? query : undefined, params });
          calls++;
          const named = answer.status < 400 || [401, 403, 404].includes(answer.status) || namesTheProblem(answer);
          if (answer.status >= 500 || !named) wrongs.push({ route: `${route.service} ${route.route}`, status: answer.status, body: answer.body.slice(0, 200), input: JSON.stringify(input).slice(0, 300) });
        }),
        { numRuns: HTTP_RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
      );
    }
    console.log(`HTTP fuzz: ${calls} requests over ${routes.length} routes in ${Date.now() - started} ms (seed ${SEED})`);
    expect(wrongs).toEqual([]);
  }, TIMEOUT_MS);

  it('Kafka: every random record is applied or dead-lettered at once with a reason, and the valid record after them is applied', async () => {
    const { types, unseeded } = consumedTypes(harbor);
    expect(unseeded).toEqual([]);
    const batches = types.map((consumed, index) => {
      const record: fc.Arbitrary<HostileRecord> = bodyCase.map((body) => ({
        what: JSON.stringify(body).slice(0, 200),
        value: body.kind === 'raw' ? body.text : JSON.stringify(mutated(consumed.seed(), body.changes)) ?? 'null',
        mustDeadLetter: false,
      }));
      return { consumed, records: fc.sample(record, { numRuns: RECORDS_PER_TYPE, seed: SEED + index }) };
    });
    const wrongs = await publishAndSettle(harbor, batches, TIMEOUT_MS - 60_000);
    const { settleMs, deadLetterReadMs } = timings[timings.length - 1];
    console.log(`Kafka fuzz: ${batches.reduce((sum, batch) => sum + batch.records.length, 0)} records over ${types.length} types settled in ${settleMs} ms, dead letters read in ${deadLetterReadMs} ms (seed ${SEED})`);
    expect(wrongs).toEqual([]);
  }, TIMEOUT_MS);
});
