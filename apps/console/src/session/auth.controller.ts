import { Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { decodeJwt } from 'jose';
import { Logger } from 'pino';
import { JwtVerifier, PublicRoute } from '@harbor/auth';
import { LOGGER } from '@harbor/service-runtime';
import { OidcClientSettings, SessionSettings } from '../console.settings';
import { html } from '../pages/html';
import { ConsolePageFilter, ConsoleRequest, renderPage } from './console-page';
import { OidcClient } from './oidc-client';
import { newCsrfToken, safeReturnPath, sessionExpiry } from './session-state';

/**
 * Sign-in through the OpenID Connect provider and sign-out. The session is regenerated at sign-in (no fixation)
 * and destroyed at sign-out; the person's roles are read from the access token the way the services read them.
 */
@Controller()
@UseFilters(ConsolePageFilter)
export class AuthController {
  constructor(
    private readonly oidc: OidcClient,
    private readonly verifier: JwtVerifier,
    private readonly sessions: SessionSettings,
    private readonly client: OidcClientSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('auth/login')
  @PublicRoute('starts the OpenID Connect sign-in')
  async login(@Req() request: ConsoleRequest, @Res() response: Response, @Query('returnTo') returnTo?: string): Promise<void> {
    const start = await this.oidc.start();
    request.session.login = { state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, returnTo: safeReturnPath(returnTo) };
    request.session.save(() => response.redirect(303, start.url));
  }

  @Get('auth/callback')
  @PublicRoute('the OpenID Connect redirect back, checked against the state, nonce and PKCE verifier of this session')
  async callback(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const login = request.session.login;
    if (!login) return this.signInFailed(request, response, 'The sign-in was not started here or took too long.');
    let signedIn;
    let principal;
    try {
      signedIn = await this.oidc.finish(request.originalUrl, login);
      principal = await this.verifier.verify(signedIn.accessToken);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'console sign-in refused');
      return this.signInFailed(request, response, 'The identity provider’s answer could not be checked.');
    }
    await new Promise<void>((done, fail) => request.session.regenerate((error) => (error ? fail(error) : done())));
    const expiresAt = sessionExpiry(signedIn.expiresAt ?? tokenExpiry(signedIn.accessToken), this.sessions.maxMinutes, Date.now());
    Object.assign(request.session, {
      user: { subject: principal.subject, name: signedIn.name, roles: principal.roles },
      accessToken: signedIn.accessToken,
      idToken: signedIn.idToken,
      expiresAt,
      csrf: newCsrfToken(),
    });
    request.session.cookie.maxAge = Math.max(expiresAt - Date.now(), 1000);
    this.logger.info({ roles: principal.roles }, 'console sign-in');
    request.session.save(() => response.redirect(303, login.returnTo));
  }

  @Post('auth/logout')
  @PublicRoute('sign-out: ends the console session (checked against its anti-forgery token)')
  async logout(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const session = request.session;
    const given = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!session.user || given !== session.csrf) return response.redirect(303, '/signed-out');
    const providerSignOut = await this.oidc.signOutUrl(session.idToken, `${this.client.publicBaseUrl}/signed-out`);
    session.destroy(() => response.clearCookie('harbor_console').redirect(303, providerSignOut ?? '/signed-out'));
  }

  @Get('signed-out')
  @PublicRoute('the page after sign-out')
  signedOut(@Req() request: ConsoleRequest, @Res() response: Response): void {
    renderPage(request, response, { title: 'Signed out', body: html`<p>You are signed out of the Harbor console.</p><p><a href="/auth/login">Sign in again</a></p>` });
  }

  private signInFailed(request: ConsoleRequest, response: Response, reason: string): void {
    renderPage(request, response, { title: 'Sign-in failed', body: html`<p>${reason}</p><p><a href="/auth/login">Try again</a></p>` }, 400);
  }
}

/** The access token's own `exp` (verified already), in epoch ms. */
function tokenExpiry(token: string): number | undefined {
  const exp = decodeJwt(token).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
