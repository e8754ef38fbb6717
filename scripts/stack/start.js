// `npm start`: Kafka (started or reused), Postgres (checked), the development identity (token issuer and the
// console's OpenID provider), the four services, the console and the demo. Ctrl-C or `npm stop` stops everything this started.
'use strict';
require('../register-paths');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureLocalKafka, stopLocalKafka, ROOT } = require('./local-kafka');
const { checkPostgres, DEFAULT_DATABASE_URL } = require('./postgres-check');
const { runDemo } = require('./demo');
const { startDevIdentity } = require('./dev-identity');
const { SERVICE_NODE_FLAGS } = require('./service-node-flags');

const STATE_DIR = path.join(ROOT, '.harbor');
const PID_FILE = path.join(STATE_DIR, 'stack.pid');
/** Names the Kafka pid file when this launcher started Kafka, so `npm stop` can clean up after a crash. */
const KAFKA_MARKER = path.join(STATE_DIR, 'stack-kafka');
const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'matching', port: 3002 },
  { name: 'notification', port: 3003 },
  { name: 'reporting', port: 3004 },
  { name: 'console', port: 3005 },
];
const CONSOLE_URL = 'http://127.0.0.1:3005';
const DEV_ISSUER_PORT = 3999;

const env = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: DEFAULT_DATABASE_URL,
  ...process.env,
};
const withDemo = !process.argv.includes('--no-demo') && env.HARBOR_DEMO !== '0';
const say = (message) => process.stdout.write(`${message}\n`);

/** Service logs are JSON; show them as one readable line each, and pass anything else (console pages) through. */
function relay(name, stream, onLine) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      onLine(line);
      try {
        const entry = JSON.parse(line);
        if (entry.level === 'debug' || entry.level === 'trace') continue;
        say(`[${name}] ${entry.level.padEnd(5)} ${entry.msg}`);
      } catch {
        say(`[${name}] ${line}`);
      }
    }
  });
}

async function waitReady(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs / 1000}s`);
}

async function main() {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  if (fs.existsSync(PID_FILE)) {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf8'));
    try {
      process.kill(pid, 0);
      throw new Error(`Harbor is already running (pid ${pid}); run \`npm stop\` first.`);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
  }
  fs.writeFileSync(PID_FILE, String(process.pid));

  const children = [];
  let kafka;
  let issuer;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping Harbor…');
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))));
    if (issuer) await issuer.stop();
    if (kafka && kafka.started) await stopLocalKafka(kafka.pidFile);
    fs.rmSync(KAFKA_MARKER, { force: true });
    fs.rmSync(PID_FILE, { force: true });
    say('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  try {
    // The services' own settings class: a secured broker (KAFKA_SSL*, KAFKA_SASL_*) is probed and used as they will.
    const { loadConfig, ServiceEnv } = require(path.join(ROOT, 'dist', 'libs', 'config', 'src'));
    const { ssl, sasl } = loadConfig(ServiceEnv, env).kafkaConnection;
    const kafkaSecurity = { ssl, sasl };
    kafka = await ensureLocalKafka({ brokers: env.KAFKA_BROKERS, client: kafkaSecurity });
    if (kafka.started) fs.writeFileSync(KAFKA_MARKER, kafka.pidFile);
    await checkPostgres(env.DATABASE_URL, 'Harbor');

    let consoleUsers;
    if (!process.env.AUTH_ISSUER) {
      // One origin and key for the printed tokens and the console's sign-in, so the services accept both.
      ({ issuer, users: consoleUsers } = await startDevIdentity({ port: DEV_ISSUER_PORT, consoleBaseUrls: [CONSOLE_URL] }));
      env.AUTH_ISSUER = issuer.issuer;
      env.CONSOLE_OIDC_ISSUER ??= issuer.issuer;
    }

    let pageLink;
    for (const service of SERVICES) {
      const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-r', path.join(ROOT, 'scripts', 'register-paths.js'), path.join(ROOT, 'dist', 'apps', service.name, 'src', 'main.js')], {
        env: { ...env, HTTP_PORT: String(service.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      relay(service.name, child.stdout, (line) => {
        const match = /\[page → [^\]]*\].*?(https?:\/\/\S+\/a\/\S+)/.exec(line);
        if (match) pageLink = match[1];
      });
      relay(service.name, child.stderr, () => undefined);
      child.once('exit', (code) => !stopping && (say(`[${service.name}] exited with code ${code}`), stop(1)));
    }
    await Promise.all(SERVICES.map((service) => waitReady(`http://127.0.0.1:${service.port}/health/ready`)));

    say('\nHarbor is running:');
    for (const service of SERVICES) say(`  ${service.name.padEnd(13)} http://127.0.0.1:${service.port}`);
    say(`  kafka         ${env.KAFKA_BROKERS}${kafka.started ? ' (started by npm start)' : ' (reused)'}`);
    say(`\nThe program team's console: ${CONSOLE_URL}`);
    if (consoleUsers) {
      say('  development sign-in (any password):');
      for (const [user, { roles }] of Object.entries(consoleUsers)) say(`    ${user.padEnd(10)} ${roles.join(', ')}`);
      say('  (admin and director see the console; the others get its 403 page)');
    }
    if (issuer) {
      const tokens = await issuer.tokensForEveryRole();
      say(`\nDevelopment bearer tokens (issuer ${issuer.issuer}, valid 12 h):`);
      for (const [role, token] of Object.entries(tokens)) say(`  ${role.padEnd(17)} ${token}`);
      fs.writeFileSync(path.join(STATE_DIR, 'tokens.json'), JSON.stringify(tokens, null, 2));
      say(`  (also written to .harbor/tokens.json; the supporter token's subject is the demo supporter demo-supporter-1)`);
      if (withDemo) {
        say('\nDemo: seeding a clinician and two supporters, then publishing an incident to incidents.reported.v1…');
        await runDemo({
          matchingUrl: 'http://127.0.0.1:3002',
          adminToken: tokens['program-admin'],
          brokers: env.KAFKA_BROKERS,
          topicPrefix: env.KAFKA_TOPIC_PREFIX || '',
          kafka: kafkaSecurity,
        });
        const deadline = Date.now() + 30_000;
        while (!pageLink && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        if (pageLink) {
          say('\nThe page above is what the on-call supporter received. To accept it as that supporter:');
          say(`  open ${pageLink} in a browser, or`);
          say(`  curl -c .harbor/link-cookies -X POST -H 'content-type: application/json' -d '{"decision":"accept"}' ${pageLink}`);
          say(`  curl -b .harbor/link-cookies ${pageLink}    # the contact is shown only to the client that accepted (its cookie)`);
          say('After accepting, the page links to the encounter page (/e/…): the conversation guide, the resources and');
          say('the record of the encounter (contact made, resources offered, follow-up done, close), no account needed.');
        } else {
          say('The demo page did not appear within 30 s; see the logs above.');
        }
      }
    }
    say('\nPress Ctrl-C (or run `npm stop`) to stop everything.');
  } catch (error) {
    process.stderr.write(`\nnpm start failed: ${error.message}\n`);
    await stop(1);
  }
}

main();
