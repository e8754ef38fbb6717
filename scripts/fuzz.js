// The long input-fuzzing run for before a release: the CI fuzz test (test/security/input-fuzz.test.ts) with many
// more cases and a fresh seed each time, printed so a failure can be replayed:
//   npm run fuzz                         # 600 requests per route, 1000 records per consumed type, random seed
//   FUZZ_SEED=1234 npm run fuzz          # replay one seed
//   FUZZ_HTTP_RUNS=2000 FUZZ_RECORDS=3000 npm run fuzz
// Needs what the integration tests need: Postgres, and Kafka at KAFKA_BROKERS (or the local broker).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = {
  ...process.env,
  FUZZ_SEED: process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31)),
  FUZZ_HTTP_RUNS: process.env.FUZZ_HTTP_RUNS ?? '600',
  FUZZ_RECORDS: process.env.FUZZ_RECORDS ?? '1000',
  FUZZ_TIMEOUT_MS: process.env.FUZZ_TIMEOUT_MS ?? String(60 * 60_000),
};
console.log(`input fuzzing: seed ${env.FUZZ_SEED}, ${env.FUZZ_HTTP_RUNS} requests per route, ${env.FUZZ_RECORDS} records per consumed type`);
const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const run = spawnSync(process.execPath, [jest, '--selectProjects', 'integration', '--runInBand', 'test/security/input-fuzz.test.ts'], { stdio: 'inherit', env });
if (run.status !== 0) console.log(`input fuzzing failed; replay with FUZZ_SEED=${env.FUZZ_SEED}`);
process.exit(run.status ?? 1);
