#!/usr/bin/env node
// Writes dist/build-info.json after `tsc`: the release's version (package.json) and the git commit it was built
// from, so every service can export harbor_build_info{version, commit}. The commit comes from GIT_COMMIT (the
// Docker build passes it as a build argument: the image's build context has no .git) or from git itself.
const { execFileSync } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
function gitCommit() {
  if (process.env.GIT_COMMIT) return process.env.GIT_COMMIT.trim();
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
const info = { version, commit: /^[0-9a-f]{7,40}$/.test(gitCommit()) ? gitCommit() : 'unknown' };
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info)}\n`);
