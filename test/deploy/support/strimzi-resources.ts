import { stringify } from 'yaml';
import { SupportMetrics, topicConfigEntries } from '@harbor/contracts';
import { eventDefinitions, HarborService, kafkaUsage, SERVICES, topicPolicies } from './harbor-services';

/** The Strimzi Kafka cluster the example deploys and the namespace its entity operator watches for Harbor. */
export const KAFKA_CLUSTER = 'harbor-kafka';
export const NAMESPACE = 'harbor';
export const PARTITIONS = 3;
export const REPLICAS = 3;
export const MIN_INSYNC_REPLICAS = 2;
/** Retention of a topic whose events declare none: a week, long enough to replay after an outage. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Dead letters: KAFKA_DEAD_LETTER_RETENTION_HOURS' default (72 h), long enough to act on an alert after a weekend. */
export const DEAD_LETTER_RETENTION_MS = 72 * 3600 * 1000;

interface Acl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: string[];
}

export interface TopicPlan {
  /** The topic as deployed, with the prefix. */
  name: string;
  /** The contract's topic; for a dead-letter topic, the topic it holds failures of. */
  topic: string;
  deadLetter: boolean;
  config: Record<string, string | number>;
}

/** Every topic Harbor uses: the contracts' topics and a dead-letter topic for each one a service consumes. */
export function plannedTopics(prefix: string): TopicPlan[] {
  const consumed = new Set(SERVICES.flatMap((service) => kafkaUsage(service).consumes));
  const topics: TopicPlan[] = [];
  for (const [topic, policy] of [...topicPolicies().entries()].sort(([a], [b]) => a.localeCompare(b))) {
    topics.push({ name: `${prefix}${topic}`, topic, deadLetter: false, config: topicConfig(topicConfigEntries(policy)) });
    if (consumed.has(topic)) {
      topics.push({ name: `${prefix}${topic}.dlq`, topic, deadLetter: true, config: topicConfig({ 'retention.ms': String(DEAD_LETTER_RETENTION_MS) }) });
    }
  }
  return topics;
}

function topicConfig(entries: Record<string, string>): Record<string, string | number> {
  const config: Record<string, string | number> = { 'min.insync.replicas': MIN_INSYNC_REPLICAS };
  if (entries['cleanup.policy']) config['cleanup.policy'] = entries['cleanup.policy'];
  config['retention.ms'] = Number(entries['retention.ms'] ?? DEFAULT_RETENTION_MS);
  if (entries['segment.ms']) config['segment.ms'] = Number(entries['segment.ms']);
  return config;
}

/** Least privilege per service: its consumer group, read on what it consumes, write on what it produces and on its DLQs. */
export function serviceAcls(service: HarborService, prefix: string): Acl[] {
  const { consumes, produces } = kafkaUsage(service);
  const acls: Acl[] = [];
  if (consumes.length > 0) acls.push(acl('group', `${prefix}harbor-${service}`, ['Read']));
  for (const topic of consumes) acls.push(acl('topic', `${prefix}${topic}`, ['Describe', 'Read']));
  for (const topic of consumes) acls.push(acl('topic', `${prefix}${topic}.dlq`, ['Describe', 'Write']));
  for (const topic of produces) acls.push(acl('topic', `${prefix}${topic}`, ['Describe', 'Write']));
  return acls;
}

function acl(type: 'topic' | 'group', name: string, operations: string[], patternType: 'literal' | 'prefix' = 'literal'): Acl {
  return { resource: { type, name, patternType }, operations };
}

/** Users outside the four services: source systems, downstream readers of the metrics, and the DLQ replay tool. */
export function externalUsers(prefix: string): { name: string; purpose: string; acls: Acl[] }[] {
  const consumed = new Set(SERVICES.flatMap((service) => kafkaUsage(service).consumes));
  const produced = new Set(SERVICES.flatMap((service) => kafkaUsage(service).produces));
  // Hospital systems publish the events whose contracts strip what Harbor may not keep; a topic Harbor only
  // drains (an old version being retired) has no outside writer.
  const fromHospitals = new Set(eventDefinitions().filter((definition) => definition.unknownFields === 'strip').map((definition) => definition.topic));
  const inbound = [...consumed].filter((topic) => !produced.has(topic) && fromHospitals.has(topic)).sort();
  return [
    {
      name: 'harbor-source-system',
      purpose: 'Example for a hospital system that publishes triggers (one KafkaUser per system in practice).',
      acls: inbound.map((topic) => acl('topic', `${prefix}${topic}`, ['Describe', 'Write'])),
    },
    {
      name: 'harbor-metrics-reader',
      purpose: 'Example for a downstream system that reads the protected aggregates.',
      acls: [acl('group', 'harbor-metrics-reader', ['Read'], 'prefix'), acl('topic', `${prefix}${SupportMetrics.topic}`, ['Describe', 'Read'])],
    },
    {
      name: 'harbor-operator',
      purpose: 'On-call replay of dead letters (scripts/ops/replay-dlq.js): reads the DLQs, writes back to the original topics.',
      acls: [
        acl('group', 'harbor-dlq-replay', ['Read'], 'prefix'),
        ...[...consumed].sort().map((topic) => acl('topic', `${prefix}${topic}.dlq`, ['Describe', 'Read'])),
        ...[...consumed].sort().map((topic) => acl('topic', `${prefix}${topic}`, ['Describe', 'Write'])),
      ],
    },
  ];
}

const HEADER = (what: string) =>
  `# GENERATED from ${what} by test/deploy/strimzi.test.ts; do not edit by hand.\n` +
  '# Regenerate after changing an event, a topic policy or what a service consumes or produces:\n' +
  '#   UPDATE_STRIMZI=1 KAFKA_BROKERS=127.0.0.1:9092 npx jest test/deploy/strimzi.test.ts\n';

function labels(): Record<string, string> {
  return { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'harbor' };
}

/** A Kubernetes name for a topic: lower case, `_` is not allowed. */
function resourceName(topic: string): string {
  return topic.toLowerCase().replace(/_/g, '-');
}

export function topicsYaml(prefix: string): string {
  const documents = plannedTopics(prefix).map((topic) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name: resourceName(topic.name), namespace: NAMESPACE, labels: labels() },
    spec: { topicName: topic.name, partitions: PARTITIONS, replicas: REPLICAS, config: topic.config },
  }));
  return HEADER('libs/contracts (topics, topicPolicy) and the services\' consumers (dead-letter topics)') + documents.map((document) => stringify(document)).join('---\n');
}

export function usersYaml(prefix: string): string {
  const user = (name: string, acls: Acl[], comment?: string) =>
    (comment ? `# ${comment}\n` : '') +
    stringify({
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaUser',
      metadata: { name, namespace: NAMESPACE, labels: labels() },
      spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
    });
  const services = SERVICES.map((service) => user(`harbor-${service}`, serviceAcls(service, prefix)));
  const external = externalUsers(prefix).map((external) => user(external.name, external.acls, external.purpose));
  return HEADER("the services' modules (producesTo, consumes)") + [...services, ...external].join('---\n');
}
