import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LinkSettings } from '../notification.settings';
import { LinkCheck, signLink, verifyLink } from './signed-link';

/** The one place that makes and checks the links in pages and in SMS answers (NOTIFY_LINK_SECRET signs them). */
@Injectable()
export class OfferLinks {
  constructor(private readonly settings: LinkSettings) {}

  /** The page's link: answers the offer until respond-by + NOTIFY_LINK_GRACE_MINUTES. */
  pageLink(assignmentId: string, respondBy: Date | string): string {
    return this.url(signLink(this.settings.secret, assignmentId, this.expiryFor(respondBy)));
  }

  /** A claim link, for a supporter who accepted by SMS: binds the first browser that uses it; same expiry. */
  claimLink(assignmentId: string, respondBy: Date | string, claimNonce: string): string {
    return this.url(signLink(this.settings.secret, assignmentId, this.expiryFor(respondBy), claimNonce));
  }

  verify(token: string): LinkCheck {
    return verifyLink(this.settings.secret, token);
  }

  /** Cookies bound to a link are Secure whenever supporters reach Harbor over https. */
  get secureCookies(): boolean {
    return this.settings.publicBaseUrl.startsWith('https:');
  }

  private expiryFor(respondBy: Date | string): Date {
    return new Date(new Date(respondBy).getTime() + this.settings.graceMinutes * 60_000);
  }

  private url(token: string): string {
    return `${this.settings.publicBaseUrl}/a/${token}`;
  }
}

export function newClaimNonce(): string {
  return randomBytes(16).toString('base64url');
}
