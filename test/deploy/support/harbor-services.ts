import { Logger } from 'pino';
import { loadConfig, ServiceEnv, settingNames } from '@harbor/config';
import * as contracts from '@harbor/contracts';
import { createLogger } from '@harbor/observability';
import { consumedEvents, ServiceEntry, serviceDeclaration } from '@harbor/service-runtime';
import { IntakeEnv } from '../../../apps/intake/src/intake.env';
import { IntakeModule } from '../../../apps/intake/src/intake.module';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MatchingModule } from '../../../apps/matching/src/matching.module';
import { NotificationEnv } from '../../../apps/notification/src/notification.env';
import { NotificationModule } from '../../../apps/notification/src/notification.module';
import { ReportingEnv } from '../../../apps/reporting/src/reporting.env';
import { ReportingModule } from '../../../apps/reporting/src/reporting.module';
import { ConsoleEnv } from '../../../apps/console/src/console.env';
import { ConsoleModule } from '../../../apps/console/src/console.module';
import { EventDefinition, TopicPolicy } from '@harbor/contracts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type HarborService = 'intake' | 'matching' | 'notification' | 'reporting' | 'console';

/** The four services and the console as their main.ts starts them. */
export const SERVICE_ENTRIES: Record<HarborService, ServiceEntry<any>> = {
  intake: { name: 'intake', env: IntakeEnv, module: (env: IntakeEnv, logger: Logger) => IntakeModule.forRoot(env, logger) },
  matching: { name: 'matching', env: MatchingEnv, module: (env: MatchingEnv, logger: Logger) => MatchingModule.forRoot(env, logger) },
  notification: { name: 'notification', env: NotificationEnv, module: (env: NotificationEnv, logger: Logger) => NotificationModule.forRoot(env, logger) },
  reporting: { name: 'reporting', env: ReportingEnv, module: (env: ReportingEnv, logger: Logger) => ReportingModule.forRoot(env, logger) },
  console: { name: 'console', env: ConsoleEnv, module: (env: ConsoleEnv, logger: Logger) => ConsoleModule.forRoot(env, logger) },
};

/** The four services on Kafka (each with its KafkaUser, topics and consumer group). */
export const SERVICES: HarborService[] = ['intake', 'matching', 'notification', 'reporting'];
/** Every app deployed from Harbor's image: the four services and the console (no Kafka). */
export const APPS = Object.keys(SERVICE_ENTRIES) as HarborService[];

/** Every setting a service's env class declares (what `loadConfig` reads). */
export function declaredSettings(service: HarborService): Set<string> {
  return settingNames(SERVICE_ENTRIES[service].env as new () => ServiceEnv);
}

/** Topics a service reads and writes, as its module declares them to the runtime (before any prefix). */
export function kafkaUsage(service: HarborService): { consumes: string[]; produces: string[] } {
  const entry = SERVICE_ENTRIES[service];
  const root = entry.module(loadConfig(entry.env, {}), createLogger(service, 'silent'));
  const declaration = serviceDeclaration(root);
  return {
    consumes: [...new Set(consumedEvents(root).map((definition) => definition.topic))].sort(),
    produces: [...new Set(declaration.producesTo.map((definition) => definition.topic))].sort(),
  };
}

/** Every event definition in libs/contracts. */
export function eventDefinitions(): EventDefinition[] {
  return (Object.values(contracts) as unknown[]).filter((value): value is EventDefinition =>
    typeof value === 'object' && value !== null && 'topic' in value && 'type' in value && 'version' in value && 'payload' in value,
  );
}

/** The topic policy each topic's events declare (merged when several event types share a topic). */
export function topicPolicies(): Map<string, TopicPolicy> {
  const policies = new Map<string, TopicPolicy>();
  for (const definition of eventDefinitions()) policies.set(definition.topic, { ...policies.get(definition.topic), ...definition.topicPolicy });
  return policies;
}
