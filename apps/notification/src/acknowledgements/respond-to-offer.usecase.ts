import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AssignmentResponded, OfferResponse, ResponseVia } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { DispatchQueue } from '../dispatch/dispatch-queue';
import { newClaimNonce } from '../offers/offer-links';
import { OfferStore } from '../offers/offer-store';

export type RespondOutcome =
  | { ok: true; response: OfferResponse; claim?: { nonce: string; respondBy: Date } }
  | { ok: false; reason: 'unknown-offer' | 'already-answered' | 'closed' };

/** Binding a browser to an accepted offer through a claim link (or the page link of an offer accepted before binding). */
export type ClaimOutcome = { ok: true } | { ok: false; reason: 'unknown-offer' | 'shown-elsewhere' | 'not-accepted' | 'closed' };

export interface RespondOptions {
  /** Accepting in a browser: the digest of the secret in that browser's cookie, the only one shown the contact. */
  viewerHash?: string;
}

/**
 * Records a supporter's answer once and tells matching; a second answer to the same offer is refused.
 * An acceptance decides who may see the released contact: the accepting browser, or — accepted by SMS,
 * where there is no browser — the first browser to use the claim link sent back by SMS (`claim`).
 */
@Injectable()
export class RespondToOffer {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly dispatches: DispatchQueue,
    private readonly offers: OfferStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute(assignmentId: string, response: OfferResponse, via: ResponseVia, options: RespondOptions = {}): Promise<RespondOutcome> {
    return this.dataSource.transaction((manager) => this.executeIn(manager, assignmentId, response, via, options));
  }

  /** The same, inside the caller's transaction (an SMS reply records its message id with the answer). */
  async executeIn(manager: EntityManager, assignmentId: string, response: OfferResponse, via: ResponseVia, options: RespondOptions = {}): Promise<RespondOutcome> {
    const offer = await this.offers.lockForAnswer(manager, assignmentId);
    if (!offer) return { ok: false, reason: 'unknown-offer' };
    if (offer.status === 'accepted' || offer.status === 'declined') return { ok: false, reason: 'already-answered' };
    if (offer.status !== 'open') return { ok: false, reason: 'closed' };
    const respondedAt = new Date();
    const accepted = response === 'accepted';
    const claimNonce = accepted && !options.viewerHash ? newClaimNonce() : null;
    await this.offers.recordAnswer(manager, assignmentId, {
      response, respondedAt, via, viewerHash: accepted ? options.viewerHash ?? null : null, claimNonce,
    });
    await this.outbox.enqueue(manager, AssignmentResponded, {
      assignmentId,
      caseId: offer.caseId,
      supporterId: offer.supporterId,
      response,
      via,
      respondedAt: respondedAt.toISOString(),
    });
    await this.dispatches.followUpPagerDuty(manager, assignmentId, accepted ? 'acknowledge' : 'resolve');
    return claimNonce ? { ok: true, response, claim: { nonce: claimNonce, respondBy: offer.respondBy } } : { ok: true, response };
  }

  /** Binds this browser to an accepted offer that no browser holds yet, if the nonce is the offer's (once); otherwise why not. */
  async claim(assignmentId: string, claimNonce: string, viewerHash: string): Promise<ClaimOutcome> {
    if (await this.offers.bindViewer(assignmentId, viewerHash, claimNonce)) return { ok: true };
    const offer = await this.offers.viewerOf(assignmentId);
    if (!offer) return { ok: false, reason: 'unknown-offer' };
    if (offer.status === 'accepted') return { ok: false, reason: 'shown-elsewhere' };
    return { ok: false, reason: offer.status === 'open' ? 'not-accepted' : 'closed' };
  }
}
