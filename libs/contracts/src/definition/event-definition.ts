import { ClassConstructor } from 'class-transformer';

/**
 * How long Kafka keeps an event's records, declared beside the event so the topic Harbor creates, the
 * Strimzi KafkaTopic resources and the security docs all read one value. Unset fields take the broker's
 * defaults. Personal data gets a short retention; state-like topics are compacted per key.
 */
export interface TopicPolicy {
  /** `retention.ms`. */
  readonly retentionMs?: number;
  /** `cleanup.policy`: `compact` keeps only the newest record per key. */
  readonly cleanupPolicy?: 'delete' | 'compact';
  /** `segment.ms`: how soon a segment rolls, so retention and compaction apply promptly. */
  readonly segmentMs?: number;
}

/**
 * Retention of the topics whose records name a person (a clinician's identifier, a supporter's or staff member's
 * channel addresses): a week, declared rather than left to the broker's default, so a cluster with a longer default
 * does not keep them longer. Replaying from these topics reaches back this far.
 */
export const PERSONAL_DATA_TOPIC_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * The single definition of one event type and version: its topic, CloudEvents type, payload class
 * (validated on produce and on consume) and the key that keeps one entity's events in order.
 */
export interface EventDefinition<P extends object = object> {
  /** CloudEvents `type` without the version, e.g. `org.harbor.support.requested`. */
  readonly type: string;
  readonly version: number;
  /** Default topic name, before the deployment's prefix. */
  readonly topic: string;
  readonly payload: ClassConstructor<P>;
  /** Kafka key: the entity whose order matters (a case or a clinician). */
  readonly key: (payload: P) => string;
  /** CloudEvents `subject`: an opaque id, never a name. */
  readonly subject?: (payload: P) => string;
  /**
   * Internal events reject fields their contract does not name. Inbound events from hospital systems
   * `strip` them instead: those systems send more than Harbor may keep, and it is dropped on arrival.
   */
  readonly unknownFields?: 'reject' | 'strip';
  /** Retention and cleanup of the event's topic (see TopicPolicy). */
  readonly topicPolicy?: TopicPolicy;
  /**
   * The payload holds personal data: the outbox relay deletes the row as soon as Kafka acknowledged it,
   * instead of keeping sent rows for inspection.
   */
  readonly purgeOnPublish?: boolean;
  /**
   * Inbound events (`unknownFields: 'strip'`): what a dead letter may keep of a failed record, i.e. the fields
   * Harbor's contract reads (see `keepShape`, `inboundDeadLetter`). Without it their dead letters keep no value.
   * Harbor's own events keep their value whole: their contracts reject anything they do not name.
   */
  readonly deadLetterView?: (record: unknown) => unknown;
}

export function defineEvent<P extends object>(definition: EventDefinition<P>): EventDefinition<P> {
  return Object.freeze(definition);
}

/** The `ce_type` header value, which carries the version so consumers can refuse versions they do not know. */
export function versionedType(definition: Pick<EventDefinition, 'type' | 'version'>): string {
  return `${definition.type}.v${definition.version}`;
}

/** A topic policy as Kafka topic config entries (only the fields that are set). */
export function topicConfigEntries(policy: TopicPolicy | undefined): Record<string, string> {
  const entries: Record<string, string> = {};
  if (policy?.retentionMs !== undefined) entries['retention.ms'] = String(policy.retentionMs);
  if (policy?.cleanupPolicy !== undefined) entries['cleanup.policy'] = policy.cleanupPolicy;
  if (policy?.segmentMs !== undefined) entries['segment.ms'] = String(policy.segmentMs);
  return entries;
}
