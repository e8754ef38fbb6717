import { Body, Controller, Get, GoneException, Header, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { PublicRoute } from '@harbor/auth';
import { SERVICE_ENV, InvalidRequestException, ProblemException } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { verifyLink } from '../offers/signed-link';
import { ReleasedContacts } from '../offers/released-contacts';
import { acceptedPageHtml, answeredPageHtml, offerPageHtml } from './offer-page.html';
import { RespondOutcome, RespondToOffer } from './respond-to-offer.usecase';

const DECISIONS: Record<string, 'accepted' | 'declined'> = { accept: 'accepted', decline: 'declined' };

/** Why an answer was refused: the title is also the page a browser sees. */
const REFUSALS: Record<Extract<RespondOutcome, { ok: false }>['reason'], { status: number; title: string; detail: string }> = {
  'unknown-offer': { status: 404, title: 'This offer does not exist.', detail: 'The link names no offer; nothing was recorded.' },
  'already-answered': { status: 409, title: 'This offer has already been answered.', detail: 'Only the first answer to an offer counts; nothing was changed.' },
  closed: { status: 409, title: 'This request is closed.', detail: 'Answers are accepted only while the request is open; nothing was recorded.' },
};

/** The link in every page. The signed token is the credential: it names one offer and expires. */
@Controller('a')
export class AcknowledgementsController {
  constructor(
    private readonly respondToOffer: RespondToOffer,
    private readonly contacts: ReleasedContacts,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: NotificationEnv,
  ) {}

  /** Open: accept / not now. Accepted: the clinician's contact once released. Otherwise: closed. */
  @Get(':token')
  @PublicRoute('signed single-offer link: the token is the credential')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  async show(@Param('token') token: string, @Res() response: Response) {
    const assignmentId = this.assignmentFrom(token);
    const [offer] = await this.dataSource.query(`SELECT "status" FROM "notification"."offers" WHERE "assignment_id" = $1`, [assignmentId]);
    response.type('html');
    if (!offer) return response.status(404).send(answeredPageHtml('This request does not exist.'));
    if (offer.status === 'open') return response.status(200).send(offerPageHtml(`/a/${encodeURIComponent(token)}`));
    if (offer.status === 'accepted') return response.status(200).send(acceptedPageHtml(await this.contacts.openFor(assignmentId)));
    if (offer.status === 'declined') return response.status(200).send(answeredPageHtml('Thank you. We will ask someone else.'));
    return response.status(200).send(answeredPageHtml('This request is closed.'));
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
      const { status, title, detail } = REFUSALS[outcome.reason];
      if (wantsHtml) return response.status(status).type('html').send(answeredPageHtml(title));
      throw new ProblemException(status, title, detail);
    }
    // A browser goes back to the link, which now shows the accepted (or declined) state.
    if (wantsHtml) return response.redirect(303, `/a/${encodeURIComponent(token)}`);
    return response.status(200).json({ assignmentId, response: decision });
  }

  private assignmentFrom(token: string): string {
    const check = verifyLink(this.env.NOTIFY_LINK_SECRET, token);
    if (check.valid) return check.assignmentId;
    if (check.reason === 'expired') throw new GoneException('This link has expired.');
    throw new InvalidRequestException([{ field: 'token', message: 'the link is not valid' }], 404, 'Unknown link');
  }
}
