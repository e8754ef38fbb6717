import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, Principal, Role, ROLES_KEY } from '@harbor/auth';
import { SourceRegistry } from './source-registry';

/**
 * On routes source systems call: a caller acting as a source system (no other role the route allows) must
 * be in the registry. Runs after the global roles guard, which has authenticated the caller.
 */
@Injectable()
export class RegisteredSourceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: SourceRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    if (!principal || !actsAsSourceSystem(principal, allowed)) return true;
    const decision = this.registry.admits(principal.subject);
    if (!decision.allowed) throw new ForbiddenException(`${decision.problem}.`);
    return true;
  }
}

/** A source system calling, not program staff who happen to hold the source-system role as well. */
export function actsAsSourceSystem(principal: Principal, allowedRoles: Role[]): boolean {
  return principal.roles.includes(Role.SourceSystem)
    && !principal.roles.some((role) => role !== Role.SourceSystem && allowedRoles.includes(role));
}
