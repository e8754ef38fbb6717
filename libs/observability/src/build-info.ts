import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface BuildInfo {
  version: string;
  /** The git commit the code was built from, or `unknown` (a build outside a checkout without GIT_COMMIT). */
  commit: string;
}

/**
 * What `npm run build` wrote to `dist/build-info.json` (scripts/write-build-info.js); run from source (tests),
 * the version in package.json and an unknown commit.
 */
export function readBuildInfo(from = __dirname): BuildInfo {
  for (let dir = from; ; dir = dirname(dir)) {
    const written = join(dir, 'build-info.json');
    if (existsSync(written)) return JSON.parse(readFileSync(written, 'utf8')) as BuildInfo;
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return { version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version, commit: 'unknown' };
    if (dirname(dir) === dir) return { version: 'unknown', commit: 'unknown' };
  }
}
