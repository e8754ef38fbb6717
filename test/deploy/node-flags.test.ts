import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './support/manifests';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVICE_NODE_FLAGS } = require('../../scripts/stack/service-node-flags.js') as { SERVICE_NODE_FLAGS: string[] };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The services run with the same Node flags wherever they run: the image (NODE_OPTIONS in the Dockerfile), `npm start`
 * and the benchmark (scripts/stack/service-node-flags.js); Compose and Kubernetes take the image's.
 */
describe('the services\' Node flags', () => {
  it('are the same in the container image as in the local stack and the benchmark', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const set = /^ENV NODE_OPTIONS=(.*)$/m.exec(dockerfile)?.[1];
    expect(set).toBe(SERVICE_NODE_FLAGS.join(' '));
    expect(SERVICE_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const script of ['scripts/stack/start.js', 'bench/run-bench.ts']) {
      expect(readFileSync(join(REPO, script), 'utf8')).toContain('...SERVICE_NODE_FLAGS');
    }
  });

  it('are not overridden by the Compose files or the Kubernetes manifests', () => {
    const manifests = [...filesUnder(join(REPO, 'deploy')), join(REPO, 'docker-compose.yml'), join(REPO, 'docker-compose.production.yml')]
      .filter((path) => /\.ya?ml$/.test(path));
    expect(manifests.length).toBeGreaterThan(3);
    const overriding = manifests.filter((path) => readFileSync(path, 'utf8').includes('NODE_OPTIONS'));
    expect(overriding).toEqual([]);
  });
});
