// The development identity service: the development token issuer (JWKS, printed tokens) and, on the same origin
// and key, the console's development OpenID provider. Used by `npm start` (in-process, `startDevIdentity`) and by
// the console tests (as a child process: `node scripts/stack/dev-identity.js`, which prints one JSON line when
// ready). Loads the compiled tree (dist/, or HARBOR_DIST_DIR); oidc-provider is an ES module, which Node 20.19+
// require()s from here.
'use strict';
const path = require('node:path');

const DIST = path.resolve(process.env.HARBOR_DIST_DIR || path.join(__dirname, '..', '..', 'dist'));

async function startDevIdentity({ port = 3999, consoleBaseUrls = ['http://127.0.0.1:3005'], accessTokenTtlSeconds } = {}) {
  const { DevTokenIssuer } = require(path.join(DIST, 'libs', 'auth', 'src', 'dev-issuer'));
  const { startDevOpenIdProvider, DEV_CONSOLE_USERS, DEV_CONSOLE_CLIENT } = require(path.join(DIST, 'libs', 'auth', 'src', 'dev-openid-provider'));
  const issuer = await DevTokenIssuer.start({ port });
  startDevOpenIdProvider(issuer, { ...DEV_CONSOLE_CLIENT, consoleBaseUrls, accessTokenTtlSeconds });
  return { issuer, users: DEV_CONSOLE_USERS };
}

module.exports = { startDevIdentity };

if (require.main === module) {
  const consoleBaseUrls = (process.env.CONSOLE_PUBLIC_BASE_URL || 'http://127.0.0.1:3005').split(',');
  const ttl = process.env.DEV_ACCESS_TOKEN_TTL_SECONDS ? Number(process.env.DEV_ACCESS_TOKEN_TTL_SECONDS) : undefined;
  startDevIdentity({ port: Number(process.env.DEV_ISSUER_PORT || 0), consoleBaseUrls, accessTokenTtlSeconds: ttl }).then(
    async ({ issuer }) => {
      // Tests sign their own API calls with the same key: the line carries the tokens per role.
      const tokens = await issuer.tokensForEveryRole();
      process.stdout.write(`${JSON.stringify({ issuer: issuer.issuer, tokens })}\n`);
      const stop = () => issuer.stop().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error) => {
      process.stderr.write(`dev identity failed to start: ${error.stack || error.message}\n`);
      process.exit(1);
    },
  );
}
