import { randomUUID } from 'node:crypto';
import { IHeaders } from 'kafkajs';
import { activeTraceparent, childTraceparent, currentContext, newCorrelationId } from '@harbor/observability';
import { EventDefinition, versionedType } from '@harbor/contracts';

/** CloudEvents 1.0 attributes in Kafka's binary content mode (`ce_` prefix), plus tracing and correlation. */
export const HEADER = {
  specVersion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  traceparent: 'traceparent',
  correlationId: 'correlation_id',
} as const;

export interface EventEnvelope {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
  traceparent: string;
  correlationId: string;
}

export type StringHeaders = Record<string, string>;

/** Headers for a new event; correlation and trace continue from the unit of work that caused it. */
export function newEnvelope<P extends object>(definition: EventDefinition<P>, payload: P, source: string): EventEnvelope {
  const context = currentContext();
  return {
    id: randomUUID(),
    type: versionedType(definition),
    source,
    time: new Date().toISOString(),
    subject: definition.subject?.(payload),
    // The span at work now (a request, a consumed record) when tracing is on: the event's consumer continues it.
    traceparent: activeTraceparent() ?? childTraceparent(context?.traceparent),
    correlationId: context?.correlationId ?? newCorrelationId(),
  };
}

export function envelopeToHeaders(envelope: EventEnvelope): StringHeaders {
  const headers: StringHeaders = {
    [HEADER.specVersion]: '1.0',
    [HEADER.id]: envelope.id,
    [HEADER.type]: envelope.type,
    [HEADER.source]: envelope.source,
    [HEADER.time]: envelope.time,
    [HEADER.contentType]: 'application/json',
    [HEADER.traceparent]: envelope.traceparent,
    [HEADER.correlationId]: envelope.correlationId,
  };
  if (envelope.subject) headers[HEADER.subject] = envelope.subject;
  return headers;
}

/** Kafka header values arrive as Buffers (or arrays of them); flatten to the first string value. */
export function readHeaders(headers: IHeaders | undefined): StringHeaders {
  const result: StringHeaders = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}
