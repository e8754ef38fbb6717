import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { ReferralType } from '@harbor/contracts';
import { InvalidRequestException, ProblemException } from '@harbor/service-runtime';
import { isBoundViewer } from '../acknowledgements/viewer-binding';
import { ReleasedContacts } from '../offers/released-contacts';
import { EncounterContentStore } from './encounter-content-store';
import { EncounterLinks } from './encounter-links';
import { ContactSection, encounterClosedHtml, encounterNoticeHtml, encounterPageHtml } from './encounter-page.html';
import { ENCOUNTER_ACTIONS, EncounterAction } from './encounter-progress';
import { EncounterOffer, EncounterRecords } from './encounter-records';
import { RecordEncounter } from './record-encounter.usecase';
import { isSameOriginPost } from './same-origin';

const REFUSALS = {
  'unknown-offer': { status: 404, title: 'This request does not exist.' },
  closed: { status: 409, title: 'This case is closed.' },
  'not-available': { status: 409, title: 'That step is not available now.' },
} as const;

/**
 * The encounter page of one accepted assignment (`/e/<token>`, docs/notification.md "The encounter page"): the
 * link is the credential for the guide, the resources and the record, on any device; the clinician's contact
 * shows only to the browser bound at acceptance, as on `/a/`.
 */
@Controller('e')
export class EncounterController {
  constructor(
    private readonly links: EncounterLinks,
    private readonly records: EncounterRecords,
    private readonly content: EncounterContentStore,
    private readonly contacts: ReleasedContacts,
    private readonly recordEncounter: RecordEncounter,
  ) {}

  @Get(':token')
  @PublicRoute('signed encounter link of one accepted assignment: the token is the credential')
  async show(@Param('token') token: string, @Req() request: Request, @Res() response: Response) {
    response.type('html');
    const check = this.links.verify(token);
    if (!check.valid && check.reason === 'expired') return response.status(410).send(encounterNoticeHtml('This link has expired.'));
    if (!check.valid) return response.status(404).send(encounterNoticeHtml('This link is not valid.'));
    const offer = await this.records.offer(check.assignmentId);
    if (!offer || offer.status === 'open' || offer.status === 'declined') return response.status(404).send(encounterNoticeHtml('This request does not exist.'));
    const progress = await this.records.progress(offer.assignmentId);
    if (offer.status !== 'accepted' || progress.closed || progress.supportDeclined) return response.status(200).send(encounterClosedHtml());
    const content = await this.content.of(offer.programId);
    return response.status(200).send(encounterPageHtml({
      action: `/e/${encodeURIComponent(token)}`, contact: await this.contactFor(offer, request), content, progress,
    }));
  }

  /**
   * Records one step: `action` (contact-made, declined, follow-up, close), `resource` (kinds from the program's
   * list, repeated) and `timeOff` ("yes"). A form gets 303 back to the page; JSON gets the progress.
   */
  @Post(':token')
  @PublicRoute('signed encounter link of one accepted assignment: the token is the credential')
  async record(@Param('token') token: string, @Body() body: Record<string, unknown>, @Req() request: Request, @Res() response: Response) {
    const wantsHtml = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    if (!isSameOriginPost(request.headers, this.links.publicBaseUrl)) {
      throw new ProblemException(403, 'Cross-site submission refused.', 'The encounter can be recorded only from its own page.');
    }
    const check = this.links.verify(token);
    if (!check.valid && check.reason === 'expired') throw new ProblemException(410, 'This link has expired.', 'Nothing was recorded.');
    if (!check.valid) throw new InvalidRequestException([{ field: 'token', message: 'the link is not valid' }], 404, 'Unknown link');
    const offer = await this.records.offer(check.assignmentId);
    const action = ENCOUNTER_ACTIONS.find((candidate) => candidate === body?.action) as EncounterAction | undefined;
    if (!action) throw new InvalidRequestException([{ field: 'action', message: `action must be one of ${ENCOUNTER_ACTIONS.join(', ')}` }]);
    const kinds = new Set((await this.content.of(offer?.programId ?? 'default')).resources.map((resource) => resource.kind));
    const given = body.resource === undefined ? [] : Array.isArray(body.resource) ? body.resource : [body.resource];
    if (given.length > kinds.size || !given.every((kind) => typeof kind === 'string' && kinds.has(kind as ReferralType))) {
      throw new InvalidRequestException([{ field: 'resource', message: `resource must be among the program's resources (${[...kinds].join(', ')})` }]);
    }
    if (body.timeOff !== undefined && body.timeOff !== 'yes' && body.timeOff !== true) {
      throw new InvalidRequestException([{ field: 'timeOff', message: 'timeOff must be "yes" when given' }]);
    }
    const outcome = await this.recordEncounter.execute(check.assignmentId, action, {
      referrals: [...new Set(given as ReferralType[])], timeOffSuggested: body.timeOff !== undefined,
    });
    if (!outcome.ok) {
      const { status, title } = REFUSALS[outcome.reason];
      if (wantsHtml) return response.status(status).type('html').send(encounterNoticeHtml(title));
      throw new ProblemException(status, title, 'Nothing was recorded.');
    }
    if (wantsHtml) return response.redirect(303, `/e/${encodeURIComponent(token)}`);
    return response.status(200).json({ assignmentId: check.assignmentId, recorded: action, progress: outcome.progress });
  }

  private async contactFor(offer: EncounterOffer, request: Request): Promise<ContactSection> {
    if (!isBoundViewer(request.headers.cookie, offer.assignmentId, offer.viewerHash)) return { kind: 'elsewhere' };
    const contact = await this.contacts.openFor(offer.assignmentId);
    return contact ? { kind: 'shown', contact } : { kind: 'waiting' };
  }
}
