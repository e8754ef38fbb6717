import { Injectable } from '@nestjs/common';
import { LinkSettings } from '../notification.settings';
import { EncounterLinkCheck, signEncounterLink, verifyEncounterLink } from './encounter-link';

/** Makes and checks encounter links (`/e/`): NOTIFY_LINK_SECRET, encounter purpose, NOTIFY_ENCOUNTER_LINK_DAYS. */
@Injectable()
export class EncounterLinks {
  constructor(private readonly settings: LinkSettings) {}

  /** A fresh link to the accepted assignment's encounter page, valid NOTIFY_ENCOUNTER_LINK_DAYS from now. */
  link(assignmentId: string, now: Date = new Date()): string {
    return `${this.settings.publicBaseUrl}/e/${signEncounterLink(this.settings.secret, assignmentId, this.expiryFrom(now))}`;
  }

  /** The path alone, for the pages' own links and redirects. */
  path(assignmentId: string, now: Date = new Date()): string {
    return new URL(this.link(assignmentId, now)).pathname;
  }

  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.settings.encounterLinkDays * 86_400_000);
  }

  verify(token: string): EncounterLinkCheck {
    return verifyEncounterLink(this.settings.secret, token);
  }

  get publicBaseUrl(): string {
    return this.settings.publicBaseUrl;
  }
}
