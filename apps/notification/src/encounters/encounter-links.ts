import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../notification.env';
import { EncounterLinkCheck, signEncounterLink, verifyEncounterLink } from './encounter-link';

/** Makes and checks encounter links (`/e/`): NOTIFY_LINK_SECRET, encounter purpose, NOTIFY_ENCOUNTER_LINK_DAYS. */
@Injectable()
export class EncounterLinks {
  constructor(@Inject(SERVICE_ENV) private readonly env: NotificationEnv) {}

  /** A fresh link to the accepted assignment's encounter page, valid NOTIFY_ENCOUNTER_LINK_DAYS from now. */
  link(assignmentId: string, now: Date = new Date()): string {
    return `${this.env.publicBaseUrl}/e/${signEncounterLink(this.env.NOTIFY_LINK_SECRET, assignmentId, this.expiryFrom(now))}`;
  }

  /** The path alone, for the pages' own links and redirects. */
  path(assignmentId: string, now: Date = new Date()): string {
    return new URL(this.link(assignmentId, now)).pathname;
  }

  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.env.NOTIFY_ENCOUNTER_LINK_DAYS * 86_400_000);
  }

  verify(token: string): EncounterLinkCheck {
    return verifyEncounterLink(this.env.NOTIFY_LINK_SECRET, token);
  }

  get publicBaseUrl(): string {
    return this.env.publicBaseUrl;
  }
}
