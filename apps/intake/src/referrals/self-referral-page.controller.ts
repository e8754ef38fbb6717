import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { FieldProblem } from '@harbor/input';
import { InvalidRequestException, ProblemException } from '@harbor/service-runtime';
import { SelfReferralSettings } from '../intake.settings';
import { FORM_TTL_SECONDS, FormTokens } from './form-token';
import { RecordReferral } from './record-referral.usecase';
import { FormValues, parseSelfReferralForm, SelfReferralForm, triageText } from './self-referral-form';
import { formPageHtml, noticePageHtml, SELF_REFERRAL_HEADERS, thanksPageHtml } from './self-referral-page.html';
import { RetryLaterFilter, SelfReferralThrottlerGuard, wantsHtml } from './self-referral-throttle';

const ACTION = '/refer';
/** The `caller` of every referral from the page (with the form's id, the dedupe key). */
export const SELF_REFERRAL_CALLER = 'self-referral-page';

/**
 * The public self-referral page: "I would like to talk to a peer", for oneself or a colleague, without signing in.
 * A post goes through the rate limit, then the anti-forgery check, then the form's rules, then the same use case as
 * `POST /v1/referrals`. Whatever was decided (known, opted out, paged lately, sent to triage), the answer is the same.
 * Every response carries SELF_REFERRAL_HEADERS (no-store, CSP, no framing): set here, by the 429 filter, and for
 * errors by intake's problem renderer for `/refer` (docs/intake.md, "Self-referral page").
 */
@Controller('refer')
@UseFilters(RetryLaterFilter)
export class SelfReferralPageController {
  constructor(
    private readonly recordReferral: RecordReferral,
    private readonly settings: SelfReferralSettings,
    private readonly tokens: FormTokens,
  ) {}

  /** The form, with a fresh anti-forgery token bound to this browser's cookie. */
  @Get()
  @PublicRoute('public self-referral form: asks nothing, shows no data')
  show(@Req() request: Request, @Res() response: Response) {
    response.set(SELF_REFERRAL_HEADERS);
    this.sendForm(request, response, 200);
  }

  /** 200 next steps and the urgent line; 403 forged or stale form; 422 a field named; 429 too many posts. */
  @Post()
  @PublicRoute('public self-referral form: rate-limited per client, anti-forgery token bound to a SameSite=Strict cookie')
  @UseGuards(SelfReferralThrottlerGuard)
  async submit(@Req() request: Request, @Res() response: Response) {
    response.set(SELF_REFERRAL_HEADERS);
    const html = wantsHtml(request);
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const check = this.tokens.check(body.token, {
      cookieHeader: request.headers.cookie,
      host: request.headers.host,
      origin: request.headers.origin,
      secFetchSite: header(request, 'sec-fetch-site'),
    });
    if (!check.ok) {
      const detail = `For your safety this form only takes requests sent from its own page in this browser within ${FORM_TTL_SECONDS / 3600} hours. Nothing was recorded. Please open the form again and send it once more.`;
      if (html) return response.status(403).type('html').send(noticePageHtml('We could not accept this form', detail, this.settings));
      throw new ProblemException(403, 'The form could not be verified', detail);
    }
    const parsed = parseSelfReferralForm(body);
    if (!parsed.ok) {
      if (html) return this.sendForm(request, response, 422, parsed);
      throw new InvalidRequestException(parsed.problems);
    }
    const { values } = parsed;
    await this.record(parsed.form, this.tokens.submissionId(check.formId, [values.referredBy, values.staffId, values.name, values.phone, values.email, values.department]));
    return response.status(200).type('html').send(thanksPageHtml(this.settings));
  }

  private record(form: SelfReferralForm, referralId: string): Promise<void> {
    const { person } = form;
    return this.recordReferral.execute({
      referredBy: form.referredBy,
      // A staff id is looked up by matching in the directory; a name with a contact goes to triage for staff.
      person: 'staffId' in person ? { identifier: { system: this.settings.staffIdSystem, value: person.staffId } } : { displayText: triageText(person) },
      facility: this.settings.facility,
      department: form.department,
      // The form's own id and what was entered: the same form posted twice (a double click, a reload) is one referral.
      referralId,
      caller: SELF_REFERRAL_CALLER,
    });
  }

  private sendForm(request: Request, response: Response, status: number, invalid?: { values: FormValues; problems: FieldProblem[] }) {
    const issued = this.tokens.issue(request.headers.cookie);
    if (issued.setCookie) response.append('set-cookie', issued.setCookie);
    response.status(status).type('html').send(formPageHtml({ action: ACTION, token: issued.token, brand: this.settings, ...invalid }));
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
