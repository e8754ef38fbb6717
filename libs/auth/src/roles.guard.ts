import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InvalidTokenError, JwtVerifier, Principal } from './jwt-verifier';
import { PUBLIC_KEY, ROLES_KEY, Role } from './roles';

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Applied to every route of every app. Deny by default: a route that declares neither roles nor a
 * public reason answers 403, so forgetting the declaration can never open a route.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Events from Kafka carry no bearer token: who may write a topic is the broker's ACLs' business.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<string>(PUBLIC_KEY, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed || allowed.length === 0) throw new ForbiddenException('This route declares no roles.');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // A principal is already there only when the app's own middleware verified a request signature.
    request.principal ??= await this.principalFromBearerToken(request);
    if (!request.principal.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException(`This route is for: ${allowed.join(', ')}.`);
    }
    return true;
  }

  private async principalFromBearerToken(request: AuthenticatedRequest): Promise<Principal> {
    const header = request.headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('A bearer token is required.');
    }
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException(`Invalid token: ${error.message}`);
      throw error;
    }
  }
}
