// DEVELOPMENT ONLY. The token issuer for `docker compose up`: the same DevTokenIssuer `npm start` and the
// tests use (from the image's dist/), but listening on all interfaces and naming itself with a URL the
// other containers can reach, so the `iss` claim matches the services' AUTH_ISSUER. It prints a bearer
// token per Harbor role and serves them at GET /tokens.json. Keys live in memory: restarting it
// invalidates every token. Never run it in a real deployment; point AUTH_ISSUER / AUTH_JWKS_URL at the
// hospital's identity provider instead.
'use strict';
const path = require('node:path');
const { DevTokenIssuer } = require(path.join(__dirname, '..', 'dist', 'libs', 'auth', 'src', 'dev-issuer'));

async function main() {
  const port = Number(process.env.DEV_ISSUER_PORT || 3999);
  const issuer = await DevTokenIssuer.start({
    host: '0.0.0.0',
    port,
    issuer: process.env.DEV_ISSUER_URL || 'http://dev-issuer:3999',
    audience: process.env.AUTH_AUDIENCE || 'harbor',
    publishTokens: true,
  });
  // The console's development OpenID provider on the same origin and key (docs/console.md).
  const { startDevOpenIdProvider, DEV_CONSOLE_USERS, DEV_CONSOLE_CLIENT } = require(path.join(__dirname, '..', 'dist', 'libs', 'auth', 'src', 'dev-openid-provider'));
  startDevOpenIdProvider(issuer, { ...DEV_CONSOLE_CLIENT, consoleBaseUrls: (process.env.CONSOLE_PUBLIC_BASE_URL || 'http://localhost:3005').split(',') });
  process.stdout.write(`dev issuer ${issuer.issuer} listening on :${port} (DEVELOPMENT ONLY)\n`);
  process.stdout.write(`Console sign-in users (any password): ${Object.keys(DEV_CONSOLE_USERS).join(', ')}\n`);
  process.stdout.write('Bearer tokens (valid 12 h; also at GET /tokens.json):\n');
  for (const [role, token] of Object.entries(issuer.publishedTokens)) process.stdout.write(`  ${role.padEnd(17)} ${token}\n`);
  const stop = () => issuer.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`dev issuer failed: ${error.message}\n`);
  process.exit(1);
});
