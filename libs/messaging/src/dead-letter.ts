import { createHash } from 'node:crypto';
import { decodeUntrustedJson, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_VALUES } from '@harbor/input';
import { HEADER, StringHeaders } from './envelope';
import { TopicPolicy } from '@harbor/contracts';

export const DLQ_HEADER = {
  errorClass: 'dlq_error_class',
  errorMessage: 'dlq_error_message',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempt_count',
  firstFailedAt: 'dlq_first_failed_time',
  sourceTopic: 'dlq_source_topic',
  sourcePartition: 'dlq_source_partition',
  sourceOffset: 'dlq_source_offset',
  /** Inbound records only: `reduced` (the value holds only the fields Harbor's contract reads) or `none`. */
  value: 'dlq_value',
  /** Inbound records only: SHA-256 (hex) and length of the original value, so the source can find its record. */
  originalSha256: 'dlq_original_sha256',
  originalBytes: 'dlq_original_bytes',
} as const;

export interface DeadLetterReason {
  error: unknown;
  consumerGroup: string;
  attempts: number;
  firstFailedAt: Date;
  topic: string;
  partition: number;
  offset: string;
}

/** Error messages are cut short: they name fields and rules, and must not smuggle payload text along. */
const MAX_MESSAGE_LENGTH = 1000;

/** Original headers plus why and where the record failed, so it can be inspected and replayed. */
export function deadLetterHeaders(original: StringHeaders, reason: DeadLetterReason): StringHeaders {
  const error = reason.error instanceof Error ? reason.error : new Error(String(reason.error));
  return {
    ...original,
    [DLQ_HEADER.errorClass]: error.name || error.constructor.name,
    [DLQ_HEADER.errorMessage]: error.message.slice(0, MAX_MESSAGE_LENGTH),
    [DLQ_HEADER.consumerGroup]: reason.consumerGroup,
    [DLQ_HEADER.attempts]: String(reason.attempts),
    [DLQ_HEADER.firstFailedAt]: reason.firstFailedAt.toISOString(),
    [DLQ_HEADER.sourceTopic]: reason.topic,
    [DLQ_HEADER.sourcePartition]: String(reason.partition),
    [DLQ_HEADER.sourceOffset]: reason.offset,
  };
}

/** Harbor's own envelope headers; anything else a hospital system put on its record stays out of the DLQ. */
const ENVELOPE_HEADERS: string[] = [HEADER.specVersion, HEADER.id, HEADER.type, HEADER.source, HEADER.time, HEADER.contentType, HEADER.traceparent, HEADER.correlationId];

export interface DeadLetterRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: StringHeaders;
}

/**
 * The dead letter of a record from a hospital system (an inbound topic), which may carry far more than Harbor
 * may keep: patient names, record numbers, narratives. It keeps what an operator needs to fix or replay the
 * record and nothing else: the reason and the original coordinates (headers), the SHA-256 and length of the
 * original bytes so the source can find and resend it from its own store, Harbor's envelope headers, and the
 * record reduced by `view` to the fields Harbor's contract reads (no value at all when the record is not a JSON
 * object or the event declares no view). A valid record that failed for a transient reason can be replayed from
 * the reduced value as it is.
 */
export function inboundDeadLetter(
  message: { key: Buffer | string | null; value: Buffer | null },
  headers: StringHeaders,
  reason: DeadLetterReason,
  view: ((record: unknown) => unknown) | undefined,
): DeadLetterRecord {
  const original = message.value ?? Buffer.alloc(0);
  const reduced = view ? reducedValue(original, view) : undefined;
  const envelope = Object.fromEntries(Object.entries(headers).filter(([name]) => ENVELOPE_HEADERS.includes(name)));
  return {
    key: message.key,
    value: reduced === undefined ? null : JSON.stringify(reduced),
    headers: {
      ...deadLetterHeaders(envelope, reason),
      [DLQ_HEADER.value]: reduced === undefined ? 'none' : 'reduced',
      [DLQ_HEADER.originalSha256]: createHash('sha256').update(original).digest('hex'),
      [DLQ_HEADER.originalBytes]: String(original.length),
    },
  };
}

function reducedValue(original: Buffer, view: (record: unknown) => unknown): unknown {
  let parsed: unknown;
  try {
    // The consumer's own bounds: a value it refused to read is not read here either.
    parsed = decodeUntrustedJson(original, { maxBytes: 1024 * 1024, maxDepth: DEFAULT_MAX_JSON_DEPTH, maxValues: DEFAULT_MAX_JSON_VALUES });
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  try {
    return view(parsed) ?? undefined;
  } catch {
    return undefined; // a view never takes the dead letter down with it: the record then has no value
  }
}

/**
 * Retention of every dead-letter topic a service creates (KAFKA_DEAD_LETTER_RETENTION_HOURS): short, long enough
 * for an operator to act after an alert, with segments rolled at most hourly so expired records go promptly.
 */
export function deadLetterTopicPolicy(retentionHours: number): TopicPolicy {
  const retentionMs = retentionHours * 3_600_000;
  return { retentionMs, cleanupPolicy: 'delete', segmentMs: Math.min(retentionMs, 3_600_000) };
}
