import { kustomizations, readYaml, render } from './support/manifests';
import { ManifestSchemas } from './support/manifest-schemas';
import { ingressProblems, referenceProblems, secretKeys } from './support/references';

const schemas = new ManifestSchemas();

describe('deploy/k8s renders and validates strictly, offline', () => {
  it.each(kustomizations())('%s: every rendered object matches its Kubernetes or Strimzi schema, unknown fields included', (dir) => {
    const objects = render(dir);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap((object) => schemas.problems(object))).toEqual([]);
  });

  it('the example Secrets (not part of any kustomization) validate too', () => {
    expect(readYaml('deploy/k8s/secret.example.yaml').flatMap((object) => schemas.problems(object))).toEqual([]);
  });
});

describe('the strict validator', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'harbor-config', namespace: 'harbor' }, data: { LOG_LEVEL: 'info' } };

  it('refuses a setting put under metadata instead of data, naming the field', () => {
    const misplaced = { ...configMap, metadata: { ...configMap.metadata, HARBOR_ENV: 'production' } };
    expect(schemas.problems(misplaced)).toEqual(['ConfigMap harbor-config: /metadata: unknown field "HARBOR_ENV"']);
    expect(schemas.problems(configMap)).toEqual([]);
  });

  it('refuses wrong types, unknown kinds and unknown fields in Strimzi resources', () => {
    expect(schemas.problems({ ...configMap, data: { KAFKA_RETRY_ATTEMPTS: 5 } } as never)).toEqual([
      'ConfigMap harbor-config: /data/KAFKA_RETRY_ATTEMPTS: must be string',
    ]);
    expect(schemas.problems({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'x' } })).toEqual(['Gadget x: no schema for apiVersion v1 kind Gadget']);
    const topic = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { partitions: 3, replicas: 3, config: { 'retention.ms': 1 } } };
    expect(schemas.problems(topic)).toEqual([]);
    expect(schemas.problems({ ...topic, spec: { ...topic.spec, replication: 3 } })).toEqual(['KafkaTopic t: /spec: unknown field "replication"']);
  });
});

describe('every reference in the manifests resolves', () => {
  const secrets = secretKeys(readYaml('deploy/k8s/secret.example.yaml'), render('deploy/k8s/strimzi'));

  it.each(kustomizations())('%s: env names are declared settings; *_FILE, secretKeyRef, configMapKeyRef and mounted keys exist', (dir) => {
    expect(referenceProblems(render(dir), secrets, render('deploy/k8s/base'))).toEqual([]);
  });

  it.each(kustomizations())('%s: Ingresses expose only routes their service serves, never /metrics or /health', (dir) => {
    expect(ingressProblems(render(dir))).toEqual([]);
  });

  it('the checks catch a misspelt setting, a file outside any mount, a missing Secret key and an exposed /metrics', () => {
    const objects = render('deploy/k8s/overlays/example');
    const intake = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'harbor-intake')!;
    const container = intake.spec.template.spec.containers[0];
    container.env.push({ name: 'INTAKE_MIN_HARM', value: 'mild' }, { name: 'INTAKE_SOURCE_SYSTEMS_FILE', value: '/etc/harbor/sources.json' });
    intake.spec.template.spec.volumes[0].secret.items.push({ key: 'intake-sources', path: 'x' });
    const ingress = objects.find((object) => object.kind === 'Ingress' && object.metadata.name === 'harbor-public')!;
    ingress.spec.rules[0].http.paths.push({ path: '/metrics', pathType: 'Prefix', backend: { service: { name: 'harbor-notification', port: { name: 'http' } } } });
    expect(referenceProblems(objects, secrets)).toEqual([
      'harbor-intake: volume secrets mounts key intake-sources, missing from Secret harbor-secrets',
      'harbor-intake container intake: INTAKE_MIN_HARM is not a setting intake declares',
      'harbor-intake container intake: INTAKE_SOURCE_SYSTEMS_FILE=/etc/harbor/sources.json is not in any volume mounted into the container',
    ]);
    expect(ingressProblems(objects)).toEqual([
      'Ingress harbor-public /metrics: must not expose /metrics',
      'Ingress harbor-public /metrics: notification serves no route under /metrics',
    ]);
  });

  it('the console is reachable page by page: its home exactly, never `/` as a prefix or a path it does not serve', () => {
    const objects = render('deploy/k8s/overlays/example');
    const console = objects.find((object) => object.kind === 'Ingress' && object.metadata.name === 'harbor-console')!;
    const routes = console.spec.rules[0].http.paths as { path: string; pathType: string }[];
    expect(routes).toContainEqual(expect.objectContaining({ path: '/', pathType: 'Exact' }));
    expect(routes.map((route) => route.path)).toEqual(expect.arrayContaining(['/auth', '/triage', '/cases', '/roster', '/settings']));
    const backend = { service: { name: 'harbor-console', port: { name: 'http' } } };
    routes.push({ path: '/', pathType: 'Prefix', backend } as never, { path: '/admin', pathType: 'Prefix', backend } as never);
    expect(ingressProblems(objects)).toEqual([
      'Ingress harbor-console /: must not expose /',
      'Ingress harbor-console /admin: console serves no route under /admin',
    ]);
  });
});
