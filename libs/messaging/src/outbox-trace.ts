import { Span, SpanKind, Tracer } from '@opentelemetry/api';
import { contextOfTraceparent, markFailed, traceparentOf } from '@harbor/observability';
import { HEADER } from './envelope';

interface StoredEvent {
  topic: string;
  headers: Record<string, string>;
  created_at: Date;
}

/**
 * The outbox hop in the event's trace. Each row stored the trace context of the span that wrote it; its publish
 * span is that span's child, starts when the row was written (so the trace shows the outbox wait) and ends when
 * Kafka acknowledged it. The record carries the publish span's context, so its consumer continues this trace,
 * not the relay's. With tracing off the stored headers go as they are.
 */
export class OutboxPublishSpans {
  private readonly spans: Span[] = [];

  constructor(private readonly tracer: Tracer) {}

  /** The headers to send the row with. */
  headersFor(row: StoredEvent): Record<string, string> {
    const span = this.tracer.startSpan(
      `publish ${row.topic}`,
      {
        kind: SpanKind.PRODUCER,
        startTime: new Date(row.created_at),
        attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': row.topic, 'messaging.message.id': row.headers[HEADER.id] ?? '' },
      },
      contextOfTraceparent(row.headers[HEADER.traceparent]),
    );
    if (!span.isRecording()) return row.headers;
    this.spans.push(span);
    return { ...row.headers, [HEADER.traceparent]: traceparentOf(span) };
  }

  end(error?: unknown): void {
    for (const span of this.spans) {
      if (error) markFailed(span, error);
      span.end();
    }
    this.spans.length = 0;
  }
}
