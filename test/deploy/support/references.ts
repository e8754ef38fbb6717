import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, declaredSettings, HarborService } from './harbor-services';
import { KubernetesObject, podSpecs, REPO } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Settings that other work in progress adds to the services' env classes and that the manifests already
 * set. Allowed here until the env class declares them; remove a name once it is declared.
 */
export const PENDING_SETTINGS = new Set<string>([
]);

function isDeclared(service: HarborService, name: string): boolean {
  const setting = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
  return declaredSettings(service).has(setting) || PENDING_SETTINGS.has(setting);
}

function isDeclaredByAny(name: string): boolean {
  return APPS.some((service) => isDeclared(service, name));
}

/**
 * Secret name -> keys: the example Secrets that document what a site must create, and the Secret Strimzi's
 * User Operator writes for each KafkaUser (same name, SCRAM password and JAAS config).
 */
export function secretKeys(secrets: KubernetesObject[], kafkaUsers: KubernetesObject[] = []): Map<string, Map<string, string>> {
  const keys = new Map(secrets.map((secret) => [secret.metadata.name, new Map(Object.entries({ ...secret.data, ...secret.stringData }) as [string, string][])]));
  for (const user of kafkaUsers.filter((object) => object.kind === 'KafkaUser')) {
    keys.set(user.metadata.name, new Map([['password', ''], ['sasl.jaas.config', '']]));
  }
  return keys;
}

/**
 * Every reference a pod makes must resolve: each variable is a setting the service declares (ConfigMap keys:
 * some service), each *_FILE points into a mounted volume whose key exists, each secretKeyRef/configMapKeyRef
 * names an existing key, and a Postgres URL's sslrootcert is mounted beside it.
 */
export function referenceProblems(objects: KubernetesObject[], secrets: Map<string, Map<string, string>>, applied: KubernetesObject[] = []): string[] {
  const problems: string[] = [];
  // ConfigMaps in this render, or already applied by another folder (the base's harbor-config for the examples).
  const configMaps = new Map([...applied, ...objects].filter((object) => object.kind === 'ConfigMap').map((map) => [map.metadata.name, map.data ?? {}]));
  // Only ConfigMaps that pods take their environment from hold settings (not, e.g., a Grafana dashboard's).
  const environments = new Set(podSpecs([...applied, ...objects]).flatMap(({ spec }) =>
    [...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((container: any) => (container.envFrom ?? []).map((source: any) => source.configMapRef?.name))));
  for (const [name, data] of configMaps) {
    if (!environments.has(name)) continue;
    for (const key of Object.keys(data)) if (!isDeclaredByAny(key)) problems.push(`ConfigMap ${name}: ${key} is not a setting any service declares`);
  }
  for (const { owner, spec } of podSpecs(objects)) {
    // Operators' tools read the services' variables (any service's); a service's pods only its own.
    const component = owner.metadata.labels?.['app.kubernetes.io/component'];
    const service = component as HarborService;
    if (!APPS.includes(service) && component !== 'operations') {
      problems.push(`${owner.kind} ${owner.metadata.name}: label app.kubernetes.io/component must name a Harbor service or be "operations"`);
      continue;
    }
    const declares = (name: string) => (component === 'operations' ? isDeclaredByAny(name) : isDeclared(service, name));
    const volumes = new Map<string, any>((spec.volumes ?? []).map((volume: any) => [volume.name, volume]));
    for (const volume of volumes.values()) {
      if (!volume.secret) continue;
      const keys = secrets.get(volume.secret.secretName);
      if (!keys) problems.push(`${owner.metadata.name}: volume ${volume.name} mounts Secret ${volume.secret.secretName}, which secret.example.yaml does not define`);
      for (const item of volume.secret.items ?? []) if (keys && !keys.has(item.key)) problems.push(`${owner.metadata.name}: volume ${volume.name} mounts key ${item.key}, missing from Secret ${volume.secret.secretName}`);
    }
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const where = `${owner.metadata.name} container ${container.name}`;
      const mountedFile = (path: string): { secret?: string; key?: string; problem?: string } => {
        const mount = (container.volumeMounts ?? []).find((candidate: any) => path.startsWith(`${candidate.mountPath}/`));
        if (!mount) return { problem: `${path} is not in any volume mounted into the container` };
        const volume = volumes.get(mount.name);
        const file = path.slice(mount.mountPath.length + 1);
        const source = volume?.secret ?? volume?.configMap;
        const item = source?.items?.find((candidate: any) => candidate.path === file);
        if (!item) return { problem: `${path}: volume ${mount.name} has no item with path ${file}` };
        if (volume.configMap && !(item.key in (configMaps.get(volume.configMap.name) ?? {}))) return { problem: `${path}: ConfigMap ${volume.configMap.name} has no key ${item.key}` };
        return { secret: volume.secret?.secretName, key: item.key };
      };
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !configMaps.has(source.configMapRef.name)) problems.push(`${where}: envFrom ConfigMap ${source.configMapRef.name} does not exist`);
        if (source.secretRef && !secrets.has(source.secretRef.name)) problems.push(`${where}: envFrom Secret ${source.secretRef.name} is not in secret.example.yaml`);
      }
      for (const variable of container.env ?? []) {
        if (!declares(variable.name)) problems.push(`${where}: ${variable.name} is not a setting ${component} declares`);
        const secretRef = variable.valueFrom?.secretKeyRef;
        if (secretRef && !secrets.get(secretRef.name)?.has(secretRef.key)) problems.push(`${where}: ${variable.name} refers to ${secretRef.name}/${secretRef.key}, which secret.example.yaml does not define`);
        const configRef = variable.valueFrom?.configMapKeyRef;
        if (configRef && !(configRef.key in (configMaps.get(configRef.name) ?? {}))) problems.push(`${where}: ${variable.name} refers to ConfigMap ${configRef.name} key ${configRef.key}, which does not exist`);
        if (!variable.name.endsWith('_FILE')) continue;
        const file = mountedFile(variable.value);
        if (file.problem) {
          problems.push(`${where}: ${variable.name}=${file.problem}`);
          continue;
        }
        if (file.secret && !secrets.get(file.secret)?.has(file.key!)) problems.push(`${where}: ${variable.name} reads key ${file.key}, missing from Secret ${file.secret}`);
        // A Postgres URL that verifies the server against a CA file needs that file in the same container.
        const rootCert = /sslrootcert=([^&\s"]+)/.exec(secrets.get(file.secret ?? '')?.get(file.key ?? '') ?? '')?.[1];
        if (rootCert && mountedFile(rootCert).problem) problems.push(`${where}: ${variable.name}'s sslrootcert ${mountedFile(rootCert).problem}`);
      }
    }
  }
  return problems;
}

/** Route prefixes each service serves (its controllers' paths), read from the source. */
export function controllerPaths(service: HarborService): string[] {
  const paths: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.controller.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(/@Controller\('([^']*)'\)/g)) paths.push(`/${match[1]}`);
        // Each route too, under the file's controller prefix (the console's controllers have none: @Controller()).
        const prefix = /@Controller\((?:'([^']*)')?\)/.exec(source)?.[1] ?? '';
        for (const route of source.matchAll(/@(?:Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)) {
          paths.push(`/${[prefix, route[1]].filter(Boolean).join('/')}`);
        }
      }
    }
  };
  walk(join(REPO, 'apps', service, 'src'));
  return paths;
}

/** An Ingress exposes only route prefixes its backend serves, never the probes or the Prometheus scrape. */
export function ingressProblems(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  const services = new Map(objects.filter((object) => object.kind === 'Service').map((service) => [service.metadata.name, service]));
  for (const ingress of objects.filter((object) => object.kind === 'Ingress')) {
    if (ingress.spec.defaultBackend) problems.push(`Ingress ${ingress.metadata.name}: a default backend would expose every path`);
    for (const rule of ingress.spec.rules ?? []) {
      for (const route of rule.http?.paths ?? []) {
        const backend = route.backend.service;
        const where = `Ingress ${ingress.metadata.name} ${route.path}`;
        const target = services.get(backend.name);
        if (!target) {
          problems.push(`${where}: Service ${backend.name} does not exist`);
          continue;
        }
        if (!target.spec.ports.some((port: any) => port.name === backend.port.name || port.port === backend.port.number)) problems.push(`${where}: Service ${backend.name} has no such port`);
        if (route.pathType !== 'Prefix' && route.pathType !== 'Exact') problems.push(`${where}: pathType must be Prefix or Exact`);
        // `/` as a prefix is every path; `/` exact is one page (the console's home).
        if (/^\/(metrics|health)$|^\/(metrics|health)\//.test(route.path) || (route.path === '/' && route.pathType !== 'Exact')) problems.push(`${where}: must not expose ${route.path}`);
        const service = target.metadata.labels?.['app.kubernetes.io/component'] as HarborService;
        const served = controllerPaths(service).some((path) => path === route.path || path.startsWith(`${route.path}/`));
        if (!served) problems.push(`${where}: ${service} serves no route under ${route.path}`);
      }
    }
  }
  return problems;
}
