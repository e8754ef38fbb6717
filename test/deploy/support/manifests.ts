import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO = join(__dirname, '../../..');

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** Every YAML document of a file or a rendered stream, failing on YAML errors (a duplicate key, a bad indent). */
export function parseDocuments(text: string, source: string): any[] {
  return parseAllDocuments(text, { uniqueKeys: true, merge: true }).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value = document.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

export function readYaml(path: string): any[] {
  return parseDocuments(readFileSync(join(REPO, path), 'utf8'), path);
}

/** Every folder under `root` with a kustomization.yaml: the base and each overlay. */
export function kustomizations(root = 'deploy/k8s'): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(join(REPO, dir), { withFileTypes: true });
    if (entries.some((entry) => entry.name === 'kustomization.yaml')) found.push(dir);
    for (const entry of entries) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(root);
  return found.sort();
}

/**
 * Renders a kustomization with the real kustomize: a standalone `kustomize` if installed, else the one built
 * into kubectl (kubectl kustomize needs no cluster). Nothing is faked: what is validated is what
 * `kubectl apply -k` would send.
 */
export function render(dir: string): KubernetesObject[] {
  const [command, args] = kustomizeCommand();
  const output = execFileSync(command, [...args, join(REPO, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseDocuments(output, `kustomize ${relative(REPO, join(REPO, dir))}`);
}

function kustomizeCommand(): [string, string[]] {
  for (const [command, args] of [['kustomize', ['build']], ['kubectl', ['kustomize']]] as [string, string[]][]) {
    if (onPath(command)) return [command, args];
  }
  throw new Error('rendering deploy/k8s needs kustomize or kubectl (with its built-in kustomize) on PATH; neither was found');
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

/** Pod templates of workload objects, with a label saying where they came from. */
export function podSpecs(objects: KubernetesObject[]): { owner: KubernetesObject; spec: any }[] {
  return objects.flatMap((object) => {
    if (object.kind === 'Deployment' || object.kind === 'Job') return [{ owner: object, spec: object.spec.template.spec }];
    return [];
  });
}
