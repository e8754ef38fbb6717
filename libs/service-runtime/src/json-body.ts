import type { NextFunction, Request, Response } from 'express';
import { decodeUntrustedJson, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_VALUES, UntrustedJsonError } from '@harbor/input';
import { InvalidRequestException, ProblemException } from './problem-details.filter';

/** Media types read as JSON documents. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/**
 * Turns the raw bytes the body parser kept (`req.body` as a Buffer) into the parsed document, through the same
 * bounded decoder Kafka records pass: nesting and size are checked before JSON.parse, prototype keys refused
 * after it. Each refusal is a 4xx saying what to change, raised before any route, guard or pipe runs.
 */
export function readJsonBody(limits: { maxBytes: number; maxDepth?: number; valueLimitsByPath?: Record<string, number> }) {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const byPath = new Map(Object.entries(limits.valueLimitsByPath ?? {}));
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (!Buffer.isBuffer(request.body)) return next();
    // An empty body reads as an empty object, as the JSON body parser had it.
    if (request.body.length === 0) {
      request.body = {};
      return next();
    }
    try {
      const maxValues = byPath.get((request.originalUrl ?? request.url).split('?')[0]) ?? DEFAULT_MAX_JSON_VALUES;
      request.body = decodeUntrustedJson(request.body, { maxBytes: limits.maxBytes, maxDepth, maxValues });
      next();
    } catch (error) {
      next(error instanceof UntrustedJsonError ? refusalOf(error) : error);
    }
  };
}

function refusalOf(error: UntrustedJsonError): Error {
  switch (error.problem) {
    case 'too-large':
      return new ProblemException(413, 'The request body is too large', `The body ${error.message}.`);
    case 'too-many-values':
      return new ProblemException(413, 'The request body holds too many values', `The body ${error.message}; send fewer items per request.`);
    case 'too-deep':
      return new ProblemException(400, 'The request body is nested too deeply', `The body ${error.message}.`);
    case 'refused-key':
      return new InvalidRequestException([{ field: error.field ?? 'body', message: error.rule ?? error.message }]);
    case 'not-json':
      return new ProblemException(400, 'The request body is not valid JSON', 'Send a well-formed JSON document.');
  }
}

/** `256kb` → 262144 (the sizes body-parser takes). */
export function byteSize(size: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2].toLowerCase() as 'b' | 'kb' | 'mb'];
}
