import { kafkaUsage, SERVICES } from './harbor-services';
import { TopicPlan } from './strimzi-resources';

function duration(ms: number | string | undefined): string {
  const value = Number(ms);
  if (!Number.isFinite(value)) return '–';
  if (value % (24 * 3600 * 1000) === 0) return `${value / (24 * 3600 * 1000)} d`;
  if (value % (3600 * 1000) === 0) return `${value / (3600 * 1000)} h`;
  return `${value} ms`;
}

/** The topic table of deploy/k8s/README.md: who writes and reads each topic and how long it is kept. */
export function topicsMarkdown(topics: TopicPlan[]): string {
  const producers = (topic: string) => SERVICES.filter((service) => kafkaUsage(service).produces.includes(topic));
  const consumers = (topic: string) => SERVICES.filter((service) => kafkaUsage(service).consumes.includes(topic));
  const rows = topics.map((plan) => {
    const writer = plan.deadLetter ? `${consumers(plan.topic).join(', ')} (dead letters)` : producers(plan.topic).join(', ') || 'source systems';
    const reader = plan.deadLetter
      ? 'operators (inspect, replay)'
      : consumers(plan.topic).map((service) => `${service} (\`harbor-${service}\`)`).join(', ') || 'downstream systems';
    return `| \`${plan.name}\` | ${writer} | ${reader} | ${duration(plan.config['retention.ms'])} | ${plan.config['cleanup.policy'] ?? 'delete'} |`;
  });
  return ['| topic | written by | read by | retention | cleanup |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}
