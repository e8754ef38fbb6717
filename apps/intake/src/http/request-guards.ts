import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidRequestException } from '@harbor/service-runtime';
import { IntakeLimits } from '../intake.settings';
import { findUnsafeText, withoutRoot } from './unsafe-text';

/**
 * INTAKE_BODY_LIMIT on intake's own routes, and no NUL characters or unpaired surrogates anywhere in the body
 * (Postgres cannot store them: refused with 422 naming the field rather than failing as a 500). The shared body parser enforces the same limit when the service
 * runs from main.ts; this guard enforces it wherever the app is embedded (tests) and lets each route answer
 * 413 in its own error format (OperationOutcome on /fhir).
 */
@Injectable()
export class BodyLimitGuard implements CanActivate {
  private readonly limit: number;

  constructor(limits: IntakeLimits) {
    this.limit = limits.bodyBytes;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > this.limit) throw new HttpException(`The request body must be at most ${this.limit} bytes.`, HttpStatus.PAYLOAD_TOO_LARGE);
    const unsafe = findUnsafeText(request.body);
    if (unsafe) throw new InvalidRequestException([{ field: withoutRoot(unsafe.path), message: unsafe.message }]);
    return true;
  }
}

/** Whether a Content-Type header names one of the media types given (parameters ignored). */
export function isMediaType(contentType: string | undefined, accepted: string[]): boolean {
  return accepted.includes((contentType ?? '').split(';')[0].trim().toLowerCase());
}

/** Native routes take JSON only; anything else answers 415 before the body is validated. */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!isMediaType(request.headers['content-type'], ['application/json'])) {
      throw new HttpException('Send the body as application/json.', HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    return true;
  }
}

export const FHIR_JSON_TYPES = ['application/fhir+json', 'application/json+fhir', 'application/json'];
export const FHIR_XML_TYPES = ['application/fhir+xml', 'application/xml+fhir', 'application/xml', 'text/xml'];

/** The FHIR route takes FHIR JSON or FHIR XML (and their older and generic media types); anything else answers 415. */
@Injectable()
export class FhirBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!isMediaType(request.headers['content-type'], [...FHIR_JSON_TYPES, ...FHIR_XML_TYPES])) {
      throw new HttpException('Send the AdverseEvent as application/fhir+json or application/fhir+xml.', HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    return true;
  }
}
