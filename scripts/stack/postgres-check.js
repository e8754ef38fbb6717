'use strict';
const { Client } = require('pg');

/** The machine's Postgres, as the README describes it (trust auth, user postgres). */
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Fails fast, with the password hidden and the command that starts the local server, when Postgres is not there. */
async function checkPostgres(url, purpose) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `${purpose} needs Postgres, which is not reachable at ${url.replace(/:[^:@/]+@/, ':***@')} (${error.message}).\n` +
        `Start the local server (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

module.exports = { checkPostgres, DEFAULT_DATABASE_URL };
