// Resolves the @harbor/* path aliases of tsconfig.json against the compiled dist/ tree at run time.
// HARBOR_DIST_DIR points at another compiled tree (the integration tests build theirs under .cache/).
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.json');

tsConfigPaths.register({
  baseUrl: process.env.HARBOR_DIST_DIR || path.join(__dirname, '..', 'dist'),
  paths: compilerOptions.paths,
});
