import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaUsage, SERVICES, topicPolicies } from './support/harbor-services';
import { KubernetesObject, readYaml, render, REPO } from './support/manifests';
import {
  DEAD_LETTER_RETENTION_MS, externalUsers, KAFKA_CLUSTER, MIN_INSYNC_REPLICAS, plannedTopics, REPLICAS, topicsYaml, usersYaml,
} from './support/strimzi-resources';
import { topicsMarkdown } from './support/topic-docs';

/* eslint-disable @typescript-eslint/no-explicit-any */
const UPDATE = process.env.UPDATE_STRIMZI === '1';

/** The prefix the deployment runs with, so Strimzi's topics and ACLs name the topics the services use. */
const prefix: string = readYaml('deploy/k8s/base/configmap.yaml')[0].data.KAFKA_TOPIC_PREFIX ?? '';

/** Compares a generated file with the committed one; UPDATE_STRIMZI=1 rewrites it instead. */
function expectFile(path: string, expected: string): void {
  if (UPDATE) writeFileSync(join(REPO, path), expected);
  expect(readFileSync(join(REPO, path), 'utf8')).toBe(expected);
}

function replaceBlock(text: string, marker: string, block: string): string {
  const start = `<!-- ${marker}:START -->`;
  const end = `<!-- ${marker}:END -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`markers ${start} / ${end} missing`);
  return `${text.slice(0, from + start.length)}\n${block}${text.slice(to)}`;
}

describe('Strimzi topics and users are derived from the contracts and the services, so they cannot drift', () => {
  const resources: KubernetesObject[] = render('deploy/k8s/strimzi');
  const topics = resources.filter((object) => object.kind === 'KafkaTopic');
  const users = resources.filter((object) => object.kind === 'KafkaUser');

  it('deploy/k8s/strimzi/topics.yaml and users.yaml are what the contracts and modules say', () => {
    expectFile('deploy/k8s/strimzi/topics.yaml', topicsYaml(prefix));
    expectFile('deploy/k8s/strimzi/users.yaml', usersYaml(prefix));
  });

  it('there is a KafkaTopic for every contract topic and a dead-letter topic for every consumed one, nothing else', () => {
    const consumed = SERVICES.flatMap((service) => kafkaUsage(service).consumes);
    const expected = [...topicPolicies().keys()].map((topic) => `${prefix}${topic}`).concat([...new Set(consumed)].map((topic) => `${prefix}${topic}.dlq`));
    expect(topics.map((topic) => topic.spec.topicName).sort()).toEqual(expected.sort());
  });

  it('each topic is replicated three times, needs two in-sync replicas and keeps records as its events declare', () => {
    for (const topic of topics) {
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
      expect(topic.spec.replicas).toBe(REPLICAS);
      expect(topic.spec.config['min.insync.replicas']).toBe(MIN_INSYNC_REPLICAS);
      const name: string = topic.spec.topicName.slice(prefix.length);
      const policy = topicPolicies().get(name.replace(/\.dlq$/, ''));
      if (name.endsWith('.dlq')) {
        expect(topic.spec.config['retention.ms']).toBe(DEAD_LETTER_RETENTION_MS);
        expect(topic.spec.config['cleanup.policy']).toBeUndefined();
      } else {
        if (policy?.retentionMs !== undefined) expect(topic.spec.config['retention.ms']).toBe(policy.retentionMs);
        expect(topic.spec.config['cleanup.policy']).toBe(policy?.cleanupPolicy);
      }
    }
  });

  it("each service's KafkaUser may read exactly what it consumes and write exactly what it produces and dead-letters", () => {
    for (const service of SERVICES) {
      const user = users.find((candidate) => candidate.metadata.name === `harbor-${service}`);
      expect(user).toBeDefined();
      const { consumes, produces } = kafkaUsage(service);
      const allowed = (operation: string) =>
        user!.spec.authorization.acls
          .filter((acl: any) => acl.resource.type === 'topic' && acl.operations.includes(operation))
          .map((acl: any) => { expect(acl.resource.patternType).toBe('literal'); return acl.resource.name; })
          .sort();
      expect(allowed('Read')).toEqual(consumes.map((topic) => `${prefix}${topic}`).sort());
      expect(allowed('Write')).toEqual([...produces.map((topic) => `${prefix}${topic}`), ...consumes.map((topic) => `${prefix}${topic}.dlq`)].sort());
      const groups = user!.spec.authorization.acls.filter((acl: any) => acl.resource.type === 'group');
      expect(groups).toEqual(consumes.length > 0 ? [{ resource: { type: 'group', name: `${prefix}harbor-${service}`, patternType: 'literal' }, operations: ['Read'] }] : []);
      const operations = new Set(user!.spec.authorization.acls.flatMap((acl: any) => acl.operations));
      expect([...operations].filter((operation) => !['Read', 'Write', 'Describe'].includes(operation as string))).toEqual([]);
    }
  });

  it('the source-system, metrics-reader and operator examples only touch the topics at the edges and the DLQs', () => {
    const [source, reader, operator] = externalUsers(prefix);
    expect(source.acls.map((acl) => acl.resource.name)).toEqual([`${prefix}incidents.reported.v1`, `${prefix}lawsuits.notified.v1`]);
    expect(reader.acls.filter((acl) => acl.resource.type === 'topic').map((acl) => acl.resource.name)).toEqual([`${prefix}support.metrics.v1`]);
    expect(operator.acls.filter((acl) => acl.operations.includes('Read') && acl.resource.type === 'topic').every((acl) => acl.resource.name.endsWith('.dlq'))).toBe(true);
  });

  it('each Deployment connects as its own KafkaUser, with its password Secret, over the SCRAM TLS listener of the example cluster', () => {
    const config = readYaml('deploy/k8s/base/configmap.yaml')[0].data;
    const kafka = render('deploy/k8s/examples/kafka-cluster').find((object) => object.kind === 'Kafka')!;
    const listener = kafka.spec.kafka.listeners.find((candidate: any) => config.KAFKA_BROKERS.endsWith(`:${candidate.port}`));
    expect(listener).toMatchObject({ tls: true, authentication: { type: config.KAFKA_SASL_MECHANISM } });
    expect(config.KAFKA_BROKERS).toBe(`${KAFKA_CLUSTER}-kafka-bootstrap.${kafka.metadata.namespace}.svc:${listener.port}`);
    expect(config).toMatchObject({ KAFKA_SSL: 'true', KAFKA_CREATE_TOPICS: 'false' });
    expect(kafka.spec.entityOperator).toEqual({ topicOperator: { watchedNamespace: 'harbor' }, userOperator: { watchedNamespace: 'harbor' } });
    const all = render('deploy/k8s/base').filter((object) => object.kind === 'Deployment');
    // The console has no events: no KafkaUser, no Kafka credentials.
    const console = all.find((deployment) => deployment.metadata.labels!['app.kubernetes.io/component'] === 'console')!;
    expect(console.spec.template.spec.containers[0].env.map((variable: any) => variable.name)).not.toContain('KAFKA_SASL_USERNAME');
    const deployments = all.filter((deployment) => deployment !== console);
    expect(deployments).toHaveLength(SERVICES.length);
    for (const deployment of deployments) {
      const spec = deployment.spec.template.spec;
      const env = Object.fromEntries(spec.containers[0].env.map((variable: any) => [variable.name, variable.value]));
      const user = users.find((candidate) => candidate.metadata.name === env.KAFKA_SASL_USERNAME);
      expect(user?.metadata.name).toBe(`harbor-${deployment.metadata.labels!['app.kubernetes.io/component']}`);
      expect(user?.spec.authentication.type).toBe(config.KAFKA_SASL_MECHANISM);
      const passwordVolume = spec.volumes.find((volume: any) => volume.secret?.secretName === user!.metadata.name);
      expect(passwordVolume?.secret.items).toEqual([{ key: 'password', path: 'password' }]);
    }
  });

  it("deploy/k8s/README.md lists exactly these topics with their policies", () => {
    const path = join(REPO, 'deploy/k8s/README.md');
    const text = readFileSync(path, 'utf8');
    const expected = replaceBlock(text, 'TOPICS', topicsMarkdown(plannedTopics(prefix)));
    if (UPDATE) writeFileSync(path, expected);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });
});
