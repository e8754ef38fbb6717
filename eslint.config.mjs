// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

// Dependencies point one way: apps never import each other, libraries never import apps, nothing imports the
// benches, the contracts sit on the leaf libraries (input, crypto) only, and messaging never imports the settings
// library. Shipped code (not specs) also never imports test code.
const layerRules = [
  { from: ['app'], disallow: [['app', { app: '!${from.app}' }], 'bench'] },
  { from: ['lib'], disallow: ['app', 'bench'] },
  // The contracts (every event's one definition) stand on the leaves only: no Kafka, no database, no settings.
  { from: [['lib', { lib: 'contracts' }]], disallow: [['lib', { lib: '!(contracts|input|crypto)' }]] },
  // The messaging library stands on the contracts and the libraries below it, never on the settings (or what uses
  // them): it owns the types it is given, such as KafkaConnectionOptions, and @harbor/config builds them.
  { from: [['lib', { lib: 'messaging' }]], disallow: [['lib', { lib: '!(messaging|contracts|input|crypto|observability|persistence)' }]] },
  // Leaves import no other library.
  { from: [['lib', { lib: '(input|crypto)' }]], disallow: [['lib', { lib: '!${from.lib}' }]] },
  { from: ['test', 'test-support'], disallow: ['bench'] },
];
const boundaryMessage = 'boundary: a ${file.type} must not import this ${dependency.type} (see "Boundaries" in the README)';

const rawPoolRule = {
  selector: "NewExpression[callee.name='Pool']",
  message: "a raw pg Pool ends the process on an idle connection's error unless it listens: use testPool() in tests, or attach pool.on('error') and disable this rule on that line",
};
const returningStarMessage = 'name the columns a statement returns (not RETURNING * or SELECT * from a table): a prepared statement fails once its table gains a column';
// RETURNING *, and SELECT * from a schema-qualified table (written out, or with the schema interpolated). A * over a
// CTE, whose columns the statement names, is fine.
const returningStarRules = [
  { selector: 'TemplateElement[value.raw=/RETURNING\\s+\\*|\\*\\s+FROM\\s+"[^"]*"\\s*\\.|\\*\\s+FROM\\s+"$/i]', message: returningStarMessage },
  { selector: 'Literal[value=/RETURNING\\s+\\*|\\*\\s+FROM\\s+"[^"]*"\\s*\\./i]', message: returningStarMessage },
];

export default tseslint.config(
  { ignores: ['apps/*/src/openapi-metadata.ts', 'dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '.harbor/**', 'test-artifacts/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  // A library is entered only through its package name (@harbor/<lib>), never by a path into its src/.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/elements': [
        { type: 'app', pattern: 'apps/*', capture: ['app'] },
        { type: 'lib', pattern: 'libs/*', capture: ['lib'] },
        { type: 'test-support', pattern: 'test/support' },
        { type: 'test', pattern: 'test' },
        { type: 'bench', pattern: 'bench' },
      ],
    },
    rules: {
      'boundaries/element-types': ['error', { default: 'allow', message: boundaryMessage, rules: layerRules }],
      'boundaries/entry-point': ['error', {
        default: 'allow',
        rules: [
          { target: ['lib'], disallow: ['**'] },
          { target: ['lib'], allow: ['src/index.ts', 'src/tracing-bootstrap.ts'] },
        ],
      }],
    },
  },
  // A pg Pool emits 'error' when the server ends one of its idle connections (restart, failover, a dropped
  // database); with no listener that ends the process. Services use TypeORM's pool (it listens); the few raw pools
  // attach a listener beside the constructor and say so.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', rawPoolRule],
    },
  },
  // Shipped SQL names what it returns: a prepared statement whose `RETURNING *` grows a column under a migration
  // fails (0A000) until it is prepared again (libs/persistence/src/prepared-statements.ts). Migrations may.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/migrations/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': ['error', rawPoolRule, ...returningStarRules],
    },
  },
  // Test-only code (test/support) may be imported by unit specs beside the code, never by what ships.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { boundaries },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@harbor/testing/*'], message: 'test-only code: import it from specs only' }] }],
      'boundaries/element-types': ['error', {
        default: 'allow',
        message: boundaryMessage,
        rules: [...layerRules, { from: ['app', 'lib'], disallow: ['test', 'test-support'] }],
      }],
    },
  },
  {
    files: ['scripts/**/*.js', 'deploy/**/*.js', 'jest.config.js', 'test/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', fetch: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
