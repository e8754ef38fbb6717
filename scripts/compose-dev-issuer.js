// DEVELOPMENT ONLY. A throwaway token issuer for `docker compose up`: it publishes a JWKS and prints a
// bearer token per Harbor role. Unlike the issuer `npm start` runs (bound to 127.0.0.1, issuer
// http://127.0.0.1:3999), this one listens on all interfaces and names itself with a URL the other
// containers can reach, so the `iss` claim matches the services' AUTH_ISSUER. Keys live in memory:
// restarting it invalidates every token. Never run it in a real deployment; point AUTH_ISSUER /
// AUTH_JWKS_URL at the hospital's identity provider instead.
'use strict';
const http = require('node:http');
const { exportJWK, generateKeyPair, SignJWT } = require('jose');

const ROLES = ['source-system', 'supporter', 'program-admin', 'program-director', 'qs-analyst', 'ops'];
const issuer = (process.env.DEV_ISSUER_URL || 'http://dev-issuer:3999').replace(/\/$/, '');
const port = Number(process.env.DEV_ISSUER_PORT || 3999);
const audience = process.env.AUTH_AUDIENCE || 'harbor';

async function main() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'harbor-compose-dev', alg: 'ES256', use: 'sig' };
  const tokens = {};
  for (const role of ROLES) {
    tokens[role] = await new SignJWT({ roles: [role] })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(`dev-${role}`)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(privateKey);
  }
  const json = (response, body) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2));
  const server = http.createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') return json(response, { keys: [jwk] });
    if (request.url === '/.well-known/openid-configuration') return json(response, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
    if (request.url === '/tokens.json') return json(response, tokens);
    if (request.url === '/health') return json(response, { status: 'ok' });
    response.writeHead(404).end();
  });
  server.listen(port, '0.0.0.0', () => {
    process.stdout.write(`dev issuer ${issuer} listening on :${port} (DEVELOPMENT ONLY)\n`);
    process.stdout.write('Bearer tokens (valid 12 h; also at GET /tokens.json):\n');
    for (const role of ROLES) process.stdout.write(`  ${role.padEnd(17)} ${tokens[role]}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`dev issuer failed: ${error.message}\n`);
  process.exit(1);
});
