import { kustomizations, readYaml, render } from './support/manifests';
import { ManifestSchemas } from './support/manifest-schemas';

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
