import { Injectable, NestMiddleware, UnauthorizedException } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AuthenticatedRequest, Role } from '@harbor/auth';
import { SignedRequestSettings } from '../intake.settings';
import { checkSignature, SIGNATURE_HEADERS, signingInput } from './request-signature';
import { SeenSignatures } from './seen-signatures';
import { SourceRegistry } from './source-registry';

type SignedRequest = AuthenticatedRequest & { rawBody?: Buffer };

/**
 * Authenticates a source system by its request signature (HMAC over timestamp, method, URL and body,
 * within the tolerance, once). Requests without X-Harbor-Signature pass untouched to the bearer-token
 * check; a verified one arrives at the roles guard as the source system, with the source-system role.
 */
@Injectable()
export class SignedRequestMiddleware implements NestMiddleware {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly seen: SeenSignatures,
    private readonly settings: SignedRequestSettings,
  ) {}

  async use(request: SignedRequest, _response: Response, next: NextFunction): Promise<void> {
    const signature = headerOf(request, SIGNATURE_HEADERS.signature);
    if (signature === undefined) return next();
    if (request.headers.authorization) throw new UnauthorizedException('Send either a bearer token or X-Harbor-Signature, not both.');
    const sourceId = headerOf(request, SIGNATURE_HEADERS.source);
    if (!sourceId) throw new UnauthorizedException('X-Harbor-Source is required with X-Harbor-Signature.');
    const system = this.registry.find(sourceId);
    if (!system || system.hmacSecrets.length === 0) throw new UnauthorizedException(`X-Harbor-Source '${sourceId}' has no signing secret registered.`);

    const parts = { timestamp: headerOf(request, SIGNATURE_HEADERS.timestamp) ?? '', method: request.method, url: request.originalUrl, body: request.rawBody ?? Buffer.alloc(0) };
    const tolerance = this.settings.toleranceSeconds;
    const check = checkSignature({ ...parts, signature, secrets: system.hmacSecrets, nowSeconds: Math.floor(Date.now() / 1000), toleranceSeconds: tolerance });
    if (!check.valid) throw new UnauthorizedException(`${check.problem}.`);
    if (!(await this.seen.firstTime(system.id, signingInput(parts), 2 * tolerance + 60))) {
      throw new UnauthorizedException('This signed request was already received (replay refused); sign every attempt with a new timestamp.');
    }
    request.principal = { subject: system.id, roles: [Role.SourceSystem], authenticatedBy: 'signature' };
    next();
  }
}

function headerOf(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
