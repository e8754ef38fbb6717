// Three tiers: unit tests beside the code (*.spec.ts); medium tests under test/medium/ that run use cases and
// stores against a real Postgres without Kafka (test/medium/global-setup.js); and integration/e2e tests under
// test/ that run against a real Kafka broker and a real Postgres (test/support/global-setup.js).
const { compilerOptions } = require('./tsconfig.json');

// A `/*` alias (e.g. @harbor/testing/*) maps its subpaths; the others map the bare package name.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) =>
    alias.endsWith('/*')
      ? [`^${alias.slice(0, -1)}(.*)$`, `<rootDir>/${target.slice(0, -1)}$1`]
      : [`^${alias}$`, `<rootDir>/${target}`],
  ),
);
// Tests are transpiled only (fast); `npm run typecheck` type-checks everything, tests included.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] };

module.exports = {
  // Integration tests wait on real brokers and databases; unit tests finish far sooner.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'medium',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/medium'],
      testMatch: ['**/*.test.ts'],
      moduleNameMapper,
      transform,
      setupFiles: ['reflect-metadata'],
      globalSetup: '<rootDir>/test/medium/global-setup.js',
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/medium/'],
      moduleNameMapper,
      transform,
      setupFiles: ['reflect-metadata'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  ],
};
