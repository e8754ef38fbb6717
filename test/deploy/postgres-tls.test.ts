import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createServiceDataSource } from '@harbor/persistence';

/**
 * The Postgres URL form the deployment documents for TLS with a private CA,
 *   ?sslmode=verify-full&sslrootcert=<CA file>
 * against a real Postgres that serves TLS with a certificate from a CA made here (the shared test server
 * has TLS off, so this file starts its own, on a free port, and stops it afterwards).
 */
const asRoot = process.getuid?.() === 0;
const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'harbor-pg-tls-'));
let port = 0;

function run(command: string, args: string[]): void {
  // initdb and postgres refuse to run as root; on CI (root) they run as the postgres user.
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
  else execFileSync(command, args, { stdio: 'pipe' });
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
}

function url(mode: string, ca = 'ca.crt', host = 'localhost'): string {
  return `postgres://postgres@${host}:${port}/postgres?sslmode=${mode}&sslrootcert=${join(dir, ca)}`;
}

async function tlsInUse(connectionString: string): Promise<boolean> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0].ssl;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Harbor test private CA');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=Some other CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  if (asRoot) for (const entry of ['.', ...readdirSync(dir)]) chownSync(join(dir, entry), Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  execFileSync('chmod', ['600', join(dir, 'server.key')]);
  port = await freePort();
  run(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=localhost -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')}`;
  run(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-o', options, '-l', join(dir, 'postgres.log'), '-w', 'start']);
}, 60_000);

afterAll(() => {
  try {
    run(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('Postgres over TLS with a private CA, in the documented URL form', () => {
  it('sslmode=verify-full&sslrootcert=<CA> connects over TLS, through the services\' data source too, with no SECURITY WARNING', async () => {
    const warnings = jest.spyOn(process, 'emitWarning');
    expect(await tlsInUse(url('verify-full'))).toBe(true);
    const dataSource = createServiceDataSource({ url: url('verify-full'), schema: 'public', migrations: [] });
    await dataSource.initialize();
    try {
      expect(await dataSource.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toEqual([{ ssl: true }]);
    } finally {
      await dataSource.destroy();
    }
    expect(warnings.mock.calls.filter(([message]) => String(message).includes('SECURITY WARNING'))).toEqual([]);
    warnings.mockRestore();
  });

  it('refuses a server whose certificate another CA signed, and a host name the certificate does not carry', async () => {
    await expect(tlsInUse(url('verify-full', 'other-ca.crt'))).rejects.toThrow(/self[- ]signed|unable to (get|verify)|certificate/i);
    await expect(tlsInUse(url('verify-full', 'ca.crt', '127.0.0.1'))).rejects.toThrow(/does not match|altnames/i);
  });

  it('sslmode=require (what the old example used) gives the same checks but prints a SECURITY WARNING on every start', async () => {
    const warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(await tlsInUse(url('require'))).toBe(true);
    expect(warnings.mock.calls.some(([message]) => String(message).includes("SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'"))).toBe(true);
    warnings.mockRestore();
  });
});
