import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The boundary rules in eslint.config.mjs fail CI (npm run lint) when a dependency points the wrong way. These
 * cases lint source text as if it lived at a given path, so a rule that silently stops matching (a renamed
 * folder, a plugin upgrade) fails here rather than letting violations in.
 */
const REPOSITORY = join(__dirname, '..', '..');

// ESLint loads its flat config with a dynamic import, which jest's module system cannot do: lint in a child
// node process, all cases in one run.
const LINT_CASES = `
const { ESLint } = require('eslint');
const { join } = require('node:path');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const problems = [];
  for (const { path, source } of cases) {
    const [result] = await eslint.lintText(source, { filePath: join(process.cwd(), path) });
    problems.push(result.messages.filter((m) => /boundaries\\/|no-restricted-imports|no-restricted-syntax/.test(m.ruleId || '')).map((m) => m.ruleId + ': ' + m.message));
  }
  process.stdout.write(JSON.stringify(problems));
})();
`;

function boundaryProblems(cases: Array<{ path: string; source: string }>): string[][] {
  const output = execFileSync(process.execPath, ['-e', LINT_CASES], { cwd: REPOSITORY, input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(output) as string[][];
}

describe('dependency boundaries (lint)', () => {
  jest.setTimeout(120_000);

  const refused: Array<[string, string, string]> = [
    ['an app importing another app', 'apps/intake/src/triggers/x.ts', "import { MatchingEnv } from '../../../matching/src/matching.env';\nexport const x = MatchingEnv;\n"],
    ['a library importing an app', 'libs/messaging/src/x.ts', "import { IntakeEnv } from '../../../apps/intake/src/intake.env';\nexport const x = IntakeEnv;\n"],
    ['a library spec importing an app', 'libs/config/src/x.spec.ts', "import { IntakeEnv } from '../../../apps/intake/src/intake.env';\nexport const x = IntakeEnv;\n"],
    ['shipped code importing test code', 'apps/reporting/src/metrics/x.ts', "import { attack } from '@harbor/testing/disclosure-attacker';\nexport const x = attack;\n"],
    ['a path into another library\'s src', 'apps/intake/src/triggers/x.ts', "import { loadConfig } from '../../../../libs/config/src/load-config';\nexport const x = loadConfig;\n"],
    ['the contracts importing the messaging library', 'libs/contracts/src/events/x.ts', "import { MessagingRuntime } from '@harbor/messaging';\nexport const x = MessagingRuntime;\n"],
    ['the contracts importing the settings library', 'libs/contracts/src/events/x.ts', "import { loadConfig } from '@harbor/config';\nexport const x = loadConfig;\n"],
    ['the messaging library importing the settings library', 'libs/messaging/src/x.ts', "import { loadConfig } from '@harbor/config';\nexport const x = loadConfig;\n"],
    ['the messaging library importing the service runtime', 'libs/messaging/src/x.ts', "import { SERVICE_ENV } from '@harbor/service-runtime';\nexport const x = SERVICE_ENV;\n"],
    ['a leaf library importing another library', 'libs/input/src/x.ts', "import { loadConfig } from '@harbor/config';\nexport const x = loadConfig;\n"],
    ['an app importing a bench', 'apps/matching/src/cases/x.ts', "import * as bench from '../../../../bench/run-bench';\nexport const x = bench;\n"],
    // Not a boundary, but linted the same way: a pg Pool that nobody listens to ends the process on an idle connection's error.
    ['a raw pg Pool in shipped code', 'apps/console/src/session/x.ts', "import { Pool } from 'pg';\nexport const x = new Pool({ max: 1 });\n"],
    ['a raw pg Pool in a test', 'test/integration/x.test.ts', "import { Pool } from 'pg';\nexport const x = new Pool({ max: 1 });\n"],
    // Prepared statements (libs/persistence postgres-client.ts) fail once a `RETURNING *` result grows a column.
    ['RETURNING * in shipped SQL', 'apps/notification/src/dispatch/x.ts', 'export const x = `UPDATE "t" SET "a" = $1 RETURNING *`;\n'],
    ['RETURNING * in a plain string', 'libs/messaging/src/x.ts', "export const x = 'DELETE FROM t returning  *';\n"],
    ['SELECT * from a schema-qualified table', 'apps/matching/src/cases/x.ts', 'export const x = `SELECT * FROM "matching"."cases" WHERE "id" = $1`;\n'],
    ['SELECT * from a table of an interpolated schema', 'libs/messaging/src/x.ts', 'export const x = (schema: string) => `SELECT * FROM "${schema}"."outbox"`;\n'],
  ];
  const allowed: Array<[string, string, string]> = [
    ['an app importing a library by its package name', 'apps/intake/src/triggers/x.ts', "import { loadConfig } from '@harbor/config';\nexport const x = loadConfig;\n"],
    ['a file importing its own app', 'apps/intake/src/triggers/x.ts', "import { IntakeEnv } from '../intake.env';\nexport const x = IntakeEnv;\n"],
    ['a spec importing test-only code', 'apps/reporting/src/metrics/x.spec.ts', "import { attack } from '@harbor/testing/disclosure-attacker';\nexport const x = attack;\n"],
    ['the contracts importing a leaf library', 'libs/contracts/src/events/x.ts', "import { findUnsafeText } from '@harbor/input';\nexport const x = findUnsafeText;\n"],
    ['the messaging library importing the contracts', 'libs/messaging/src/x.ts', "import { defineEvent } from '@harbor/contracts';\nexport const x = defineEvent;\n"],
    ['the settings library building the messaging library\'s connection type', 'libs/config/src/x.ts', "import type { KafkaConnectionOptions } from '@harbor/messaging';\nexport const x: KafkaConnectionOptions = { brokers: [] };\n"],
    ['an integration test importing an app', 'test/matching/x.test.ts', "import { MatchingEnv } from '../../apps/matching/src/matching.env';\nexport const x = MatchingEnv;\n"],
    ['shipped SQL returning named columns', 'apps/notification/src/dispatch/x.ts', 'export const x = `UPDATE "t" SET "a" = $1 RETURNING "id", "a"`;\n'],
    ['SELECT * over a CTE the statement names the columns of', 'apps/notification/src/offers/x.ts', 'export const x = `WITH "closed" AS (UPDATE "t" SET "a" = 1 RETURNING 1) SELECT * FROM "closed"`;\n'],
    ['RETURNING * in a migration', 'apps/notification/src/migrations/x.ts', 'export const x = `UPDATE "t" SET "a" = $1 RETURNING *`;\n'],
    ['a test pool that listens for errors (testPool)', 'test/integration/x.test.ts', "import { testPool } from '../support/infrastructure';\nexport const x = testPool('postgres://localhost/x', 1);\n"],
  ];

  it('refuses every crossing and allows the directions the architecture permits', () => {
    const all = [...refused, ...allowed];
    const problems = boundaryProblems(all.map(([, path, source]) => ({ path, source })));
    const verdicts = all.map(([name], index) => [name, problems[index].length > 0 ? 'refused' : 'allowed']);
    expect(verdicts).toEqual([
      ...refused.map(([name]) => [name, 'refused']),
      ...allowed.map(([name]) => [name, 'allowed']),
    ]);
  });
});
