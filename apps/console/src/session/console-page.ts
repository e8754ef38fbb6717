import {
  applyDecorators, ArgumentsHost, CanActivate, Catch, ExceptionFilter, ExecutionContext, Inject, Injectable, SetMetadata, UseFilters, UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Logger } from 'pino';
import { PublicRoute, Role } from '@harbor/auth';
import { LOGGER } from '@harbor/service-runtime';
import { html } from '../pages/html';
import { layout, PageView, SignedInUser } from '../pages/layout';
import { PAGE_HEADERS } from '../pages/page-headers';
import './session-state';

const CONSOLE_ROLES = 'harbor:console-roles';

/** The signed-in person of a console request, put there by the guard. */
export interface ConsoleRequest extends Request {
  console?: { user: SignedInUser; accessToken: string; csrf: string };
}

/** No session, or it ended: the person signs in again and comes back here. */
export class SignInRequired extends Error {
  constructor(readonly returnTo: string) {
    super('sign-in required');
  }
}

/** A service refused what a page read from it (a 4xx): the person's input, not a fault of the console. */
export class ServiceRefused extends Error {
  constructor(
    readonly status: 404 | 422,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** Signed in but not allowed: the 403 page says why. */
export class ConsoleForbidden extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * A console page: no bearer token (the services' guard lets it through as public), instead the server-side session,
 * one of `roles`, and on every POST the session's anti-forgery token. Failures render as pages, not problem+json.
 */
export function ConsolePage(...roles: Role[]) {
  return applyDecorators(
    PublicRoute('a console page: the console session authenticates it (ConsoleSessionGuard)'),
    SetMetadata(CONSOLE_ROLES, roles),
    UseGuards(ConsoleSessionGuard),
    UseFilters(ConsolePageFilter),
  );
}

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const session = request.session;
    const returnTo = request.method === 'GET' ? request.originalUrl : '/';
    if (!session?.user || !session.accessToken || !session.expiresAt) throw new SignInRequired(returnTo);
    if (session.expiresAt <= Date.now()) {
      await new Promise((done) => session.destroy(done));
      throw new SignInRequired(returnTo);
    }
    const given = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.query?._csrf;
    if (request.method !== 'GET' && !sameToken(given, session.csrf)) {
      throw new ConsoleForbidden('The form was out of date or did not come from this console. Open the page again and repeat the change.');
    }
    const allowed = this.reflector.getAllAndOverride<Role[]>(CONSOLE_ROLES, [context.getHandler(), context.getClass()]) ?? [];
    if (!session.user.roles.some((role) => allowed.includes(role))) {
      throw new ConsoleForbidden(`This page is for: ${allowed.join(', ')}. You are signed in with: ${session.user.roles.join(', ') || 'no Harbor role'}.`);
    }
    request.console = { user: session.user, accessToken: session.accessToken, csrf: session.csrf! };
    return true;
  }
}

/** Renders a console page with the session's user, anti-forgery token and one-time notice. */
export function renderPage(request: ConsoleRequest, response: Response, view: Omit<PageView, 'user' | 'csrf'>, status = 200): void {
  const flash = request.session?.flash;
  if (flash && request.session) delete request.session.flash;
  response
    .status(status)
    .set(PAGE_HEADERS)
    .type('html')
    .send(layout({ notice: flash, ...view, user: request.console?.user ?? request.session?.user, csrf: request.console?.csrf ?? request.session?.csrf }));
}

/** After a change: a one-time notice on the next page, then 303 to it (a reload never posts twice). */
export function redirectWithNotice(request: ConsoleRequest, response: Response, to: string, notice?: { kind: 'ok' | 'problem'; text: string }): void {
  if (notice && request.session) request.session.flash = notice;
  request.session.save(() => response.redirect(303, to));
}

@Catch()
export class ConsolePageFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<ConsoleRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof SignInRequired) {
      response.redirect(303, `/auth/login?returnTo=${encodeURIComponent(exception.returnTo)}`);
      return;
    }
    if (exception instanceof ConsoleForbidden) {
      renderPage(request, response, { title: 'Not allowed', body: html`<p>${exception.reason}</p><p><a href="/">Back to the console</a></p>` }, 403);
      return;
    }
    if (exception instanceof ServiceRefused && exception.status === 422) {
      renderPage(request, response, { title: 'Not accepted', body: html`<p role="alert">${exception.problem}</p><p><a href="/">Back to the console</a></p>` }, 422);
      return;
    }
    const status = (exception as { status?: number; getStatus?: () => number }).getStatus?.() ?? (exception as { status?: number }).status ?? 500;
    if (status === 404) {
      renderPage(request, response, { title: 'Not found', body: html`<p>There is no such page or record.</p><p><a href="/">Back to the console</a></p>` }, 404);
      return;
    }
    // Only what went wrong, never the request: a form may carry a clinician's identifier.
    this.logger.error({ err: exception instanceof Error ? exception.message : String(exception), path: request.route?.path }, 'console page failed');
    renderPage(request, response, { title: 'Something went wrong', body: html`<p>The console could not complete this. Try again in a moment.</p>` }, status >= 400 && status < 500 ? status : 502);
  }
}
