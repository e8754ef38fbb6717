import { Body, Controller, Get, GoneException, Header, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { SERVICE_ENV, InvalidRequestException } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { verifyLink } from '../offers/signed-link';
import { answeredPageHtml, offerPageHtml } from './offer-page.html';
import { RespondToOffer } from './respond-to-offer.usecase';

const DECISIONS: Record<string, 'accepted' | 'declined'> = { accept: 'accepted', decline: 'declined' };

/** The link in every page. The signed token is the credential: it names one offer and expires. */
@Controller('a')
export class AcknowledgementsController {
  constructor(
    private readonly respondToOffer: RespondToOffer,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  @Get(':token')
  @PublicRoute('signed single-offer link: the token is the credential')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  show(@Param('token') token: string) {
    this.assignmentFrom(token);
    return offerPageHtml(`/a/${encodeURIComponent(token)}`);
  }

  @Post(':token')
  @PublicRoute('signed single-offer link: the token is the credential')
  async answer(@Param('token') token: string, @Body() body: { decision?: unknown }, @Req() request: Request, @Res() response: Response) {
    const assignmentId = this.assignmentFrom(token);
    const decision = typeof body?.decision === 'string' ? DECISIONS[body.decision] : undefined;
    if (!decision) throw new InvalidRequestException([{ field: 'decision', message: 'decision must be "accept" or "decline"' }]);
    const outcome = await this.respondToOffer.execute(assignmentId, decision, 'link');
    const wantsHtml = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    if (!outcome.ok) {
      const status = outcome.reason === 'unknown-offer' ? 404 : 409;
      const message = outcome.reason === 'unknown-offer' ? 'This offer does not exist.' : 'This offer has already been answered.';
      if (wantsHtml) return response.status(status).type('html').send(answeredPageHtml(message));
      return response.status(status).type('application/problem+json').send({ type: 'about:blank', status, title: message });
    }
    if (wantsHtml) {
      return response.status(200).type('html').send(answeredPageHtml(decision === 'accepted' ? 'Thank you for accepting.' : 'Thank you. We will ask someone else.'));
    }
    return response.status(200).json({ assignmentId, response: decision });
  }

  private assignmentFrom(token: string): string {
    const check = verifyLink(this.env.NOTIFY_LINK_SECRET, token);
    if (check.valid) return check.assignmentId;
    if (check.reason === 'expired') throw new GoneException('This link has expired.');
    throw new InvalidRequestException([{ field: 'token', message: 'the link is not valid' }], 404, 'Unknown link');
  }
}
