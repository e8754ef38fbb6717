import { StringHeaders } from './envelope';

export const DLQ_HEADER = {
  errorClass: 'dlq_error_class',
  errorMessage: 'dlq_error_message',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempt_count',
  firstFailedAt: 'dlq_first_failed_time',
  sourceTopic: 'dlq_source_topic',
  sourcePartition: 'dlq_source_partition',
  sourceOffset: 'dlq_source_offset',
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
