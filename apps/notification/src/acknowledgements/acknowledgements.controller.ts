import { Body, Controller, Get, GoneException, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'pino';
import { PublicRoute } from '@harbor/auth';
import { InvalidRequestException, LOGGER, ProblemException } from '@harbor/service-runtime';
import { EncounterLinks } from '../encounters/encounter-links';
import { OfferLinks } from '../offers/offer-links';
import { OfferStore, OfferViewer } from '../offers/offer-store';
import { ReleasedContacts } from '../offers/released-contacts';
import { acceptedPageHtml, answeredPageHtml, claimPageHtml, offerPageHtml, shownElsewhereHtml } from './offer-page.html';
import { RespondOutcome, RespondToOffer } from './respond-to-offer.usecase';
import { isBoundViewer, newViewerCookie } from './viewer-binding';

const DECISIONS = ['accept', 'decline', 'claim'] as const;
type Decision = (typeof DECISIONS)[number];

type Refusal = Extract<RespondOutcome, { ok: false }>['reason'] | 'shown-elsewhere' | 'claim-link' | 'not-accepted';
type DecisionOutcome = { ok: true } | { ok: false; reason: Refusal };

/** Why an answer was refused: the title is also the page a browser sees. */
const REFUSALS: Record<Refusal, { status: number; title: string; detail: string }> = {
  'unknown-offer': { status: 404, title: 'This offer does not exist.', detail: 'The link names no offer; nothing was recorded.' },
  'already-answered': { status: 409, title: 'This offer has already been answered.', detail: 'Only the first answer to an offer counts; nothing was changed.' },
  closed: { status: 409, title: 'This request is closed.', detail: 'Answers are accepted only while the request is open; nothing was recorded.' },
  'shown-elsewhere': {
    status: 409,
    title: 'The contact details are shown on another device.',
    detail: 'They are shown only on the one device that accepted the request or first opened the link sent by SMS.',
  },
  'claim-link': { status: 422, title: 'This link cannot answer the request.', detail: 'A link sent after an SMS acceptance only takes decision "claim".' },
  'not-accepted': { status: 409, title: 'This request has not been accepted.', detail: 'Contact details are shown only after the request was accepted.' },
};

/**
 * The link in every page. The signed token is a bearer credential for one offer; once the offer is accepted,
 * the clinician's contact is shown only to the browser holding that offer's viewer cookie (docs/notification.md,
 * "The signed link: threat model").
 */
@Controller('a')
export class AcknowledgementsController {
  constructor(
    private readonly respondToOffer: RespondToOffer,
    private readonly links: OfferLinks,
    private readonly contacts: ReleasedContacts,
    private readonly offers: OfferStore,
    private readonly encounters: EncounterLinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Open: accept / not now. Accepted: the contact, to the bound browser only. Otherwise: a short notice. */
  @Get(':token')
  @PublicRoute('signed single-offer link: the token is the credential')
  async show(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    response.type('html');
    const check = this.links.verify(token);
    // A person opened this: a page, not a problem document.
    if (!check.valid && check.reason === 'expired') return response.status(410).send(answeredPageHtml('This link has expired.'));
    if (!check.valid) return response.status(404).send(answeredPageHtml('This link is not valid.'));
    const link = check;
    const offer = await this.offers.viewerOf(link.assignmentId);
    if (!offer) return response.status(404).send(answeredPageHtml('This request does not exist.'));
    const action = `/a/${encodeURIComponent(token)}`;
    if (offer.status === 'open') {
      if (link.claimNonce !== undefined) return response.status(404).send(answeredPageHtml('This link cannot answer the request.'));
      return response.status(200).send(offerPageHtml(action));
    }
    if (offer.status === 'accepted') {
      if (isBoundViewer(request.headers.cookie, link.assignmentId, offer.viewerHash)) {
        return response.status(200).send(acceptedPageHtml(await this.contacts.openFor(link.assignmentId), this.encounters.path(link.assignmentId)));
      }
      if (this.claimable(offer, link.claimNonce)) return response.status(200).send(claimPageHtml(action));
      return response.status(200).send(shownElsewhereHtml());
    }
    if (offer.status === 'declined') return response.status(200).send(answeredPageHtml('Thank you. We will ask someone else.'));
    return response.status(200).send(answeredPageHtml('This request is closed.'));
  }

  @Post(':token')
  @PublicRoute('signed single-offer link: the token is the credential')
  async answer(@Param('token') token: string, @Body() body: { decision?: unknown }, @Req() request: Request, @Res() response: Response) {
    const link = this.checked(token);
    const decision = DECISIONS.find((candidate) => candidate === body?.decision);
    if (!decision) throw new InvalidRequestException([{ field: 'decision', message: 'decision must be "accept", "decline" or "claim"' }]);
    const wantsHtml = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const viewer = newViewerCookie(link.assignmentId, link.expiresAt, this.links.secureCookies);
    const outcome = await this.decide(decision, link, viewer.hash);
    if (!outcome.ok) {
      const { status, title, detail } = REFUSALS[outcome.reason];
      if (wantsHtml) return response.status(status).type('html').send(answeredPageHtml(title));
      throw new ProblemException(status, title, detail);
    }
    // The browser that holds the contact also sees it on the encounter page (its own cookie path, its own lifetime).
    if (decision !== 'decline') response.append('set-cookie', [viewer.header, viewer.forEncounter(this.encounters.expiryFrom(new Date()))]);
    // A browser goes back to the link, which now shows the accepted (or declined) state.
    if (wantsHtml) return response.redirect(303, `/a/${encodeURIComponent(token)}`);
    if (decision === 'claim') return response.status(200).json({ assignmentId: link.assignmentId, claimed: true, encounterUrl: this.encounters.link(link.assignmentId) });
    if (decision === 'decline') return response.status(200).json({ assignmentId: link.assignmentId, response: 'declined' });
    return response.status(200).json({ assignmentId: link.assignmentId, response: 'accepted', encounterUrl: this.encounters.link(link.assignmentId) });
  }

  private async decide(decision: Decision, link: { assignmentId: string; claimNonce?: string }, viewerHash: string): Promise<DecisionOutcome> {
    if (decision === 'claim') return this.claim(link.assignmentId, link.claimNonce, viewerHash);
    if (link.claimNonce !== undefined) return { ok: false, reason: 'claim-link' };
    return decision === 'accept'
      ? this.respondToOffer.execute(link.assignmentId, 'accepted', 'link', { viewerHash })
      : this.respondToOffer.execute(link.assignmentId, 'declined', 'link');
  }

  /** Binds this browser to an accepted offer that no browser holds yet, if this link may do so (once). */
  private async claim(assignmentId: string, claimNonce: string | undefined, viewerHash: string): Promise<DecisionOutcome> {
    const outcome = await this.respondToOffer.claim(assignmentId, claimNonce ?? '', viewerHash);
    if (outcome.ok) this.logger.info({ assignmentId }, 'released contact bound to a browser through a claim link');
    return outcome;
  }

  /** The page link claims only offers accepted before browsers were bound (empty nonce); a claim link, its own nonce. */
  private claimable(offer: OfferViewer, claimNonce: string | undefined): boolean {
    return offer.viewerHash === null && offer.claimNonce !== null && offer.claimNonce === (claimNonce ?? '');
  }

  private checked(token: string): { assignmentId: string; expiresAt: Date; claimNonce?: string } {
    const check = this.links.verify(token);
    if (check.valid) return check;
    if (check.reason === 'expired') throw new GoneException('This link has expired.');
    throw new InvalidRequestException([{ field: 'token', message: 'the link is not valid' }], 404, 'Unknown link');
  }
}
