// The Postgres-only tier needs no broker: it checks the database and hands its URL to the test files.
const { checkPostgres, DEFAULT_DATABASE_URL } = require('../../scripts/stack/postgres-check');

module.exports = async function mediumGlobalSetup() {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  await checkPostgres(databaseUrl, 'The Postgres-only (medium) tests');
  process.env.HARBOR_TEST_DATABASE_URL = databaseUrl;
};
