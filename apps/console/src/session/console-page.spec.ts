import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '@harbor/auth';
import { ConsoleForbidden, ConsoleRequest, ConsoleSessionGuard, SignInRequired } from './console-page';

function contextFor(request: Partial<ConsoleRequest>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }), getHandler: () => undefined, getClass: () => undefined } as unknown as ExecutionContext;
}

const reflector = { getAllAndOverride: () => [Role.ProgramAdmin] } as unknown as Reflector;
const guard = new ConsoleSessionGuard(reflector);
const signedIn = (overrides: Record<string, unknown> = {}) => ({
  user: { subject: 'admin', name: 'Ada', roles: [Role.ProgramAdmin] }, accessToken: 'token', csrf: 'form-token', expiresAt: Date.now() + 60_000,
  destroy: (done: () => void) => done(), ...overrides,
});

describe('the console session guard', () => {
  it('sends someone without a session to sign in, back to the page they asked for', async () => {
    await expect(guard.canActivate(contextFor({ method: 'GET', originalUrl: '/roster?program=icu', session: {} as never }))).rejects.toEqual(new SignInRequired('/roster?program=icu'));
  });

  it('ends a session whose access token has expired, and asks for sign-in again', async () => {
    let destroyed = false;
    const session = signedIn({ expiresAt: Date.now() - 1, destroy: (done: () => void) => ((destroyed = true), done()) });
    await expect(guard.canActivate(contextFor({ method: 'GET', originalUrl: '/cases', session: session as never }))).rejects.toBeInstanceOf(SignInRequired);
    expect(destroyed).toBe(true);
  });

  it('refuses a form without the session’s anti-forgery token, and a person without the page’s role', async () => {
    await expect(guard.canActivate(contextFor({ method: 'POST', originalUrl: '/roster', body: { _csrf: 'other' }, query: {}, session: signedIn() as never }))).rejects.toBeInstanceOf(ConsoleForbidden);
    const analyst = signedIn({ user: { subject: 'q', name: 'Q', roles: [Role.QsAnalyst] } });
    await expect(guard.canActivate(contextFor({ method: 'GET', originalUrl: '/cases', session: analyst as never }))).rejects.toThrow(/This page is for: program-admin\. You are signed in with: qs-analyst/);
  });

  it('lets the form through with its token and hands the page the person and their token', async () => {
    const request: Partial<ConsoleRequest> = { method: 'POST', originalUrl: '/roster', body: { _csrf: 'form-token' }, query: {}, session: signedIn() as never };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.console).toEqual({ user: { subject: 'admin', name: 'Ada', roles: [Role.ProgramAdmin] }, accessToken: 'token', csrf: 'form-token' });
  });
});
