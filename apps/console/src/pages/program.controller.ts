import { Body, Controller, Get, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { Role } from '@harbor/auth';
import { HARM_LEVELS, INCIDENT_CATEGORIES, LAWSUIT_KINDS, PROFESSION_GROUPS, REFERRAL_TYPES } from '@harbor/contracts';
import { HarborApi } from '../api/harbor-api';
import { ConsolePage, ConsoleRequest, redirectWithNotice, renderPage } from '../session/console-page';
import { when } from './format';
import { field, FormBody, PROGRAM_ID } from './forms';
import { html, Html } from './html';
import { csrfField } from './layout';
import { dataTable } from './table';
import { encounterContentFromForm, policyFromForm, PolicyView, shownValue, triggerPolicyFromForm, TriggerPolicyView } from './policy-form';

const RESOURCE_ROWS = REFERRAL_TYPES.length;
const programOf = (value: string | undefined) => (value && PROGRAM_ID.test(value) ? value : 'default');

/** A value from a service's report as text: field problems as "field message", other objects as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join('; ');
  if (typeof value === 'object') {
    const problem = value as { field?: unknown; message?: unknown };
    if (problem.message === undefined) return JSON.stringify(value);
    const message = String(problem.message);
    // class-validator's messages usually start with the field already.
    return problem.field === undefined || message.startsWith(String(problem.field)) ? message : `${String(problem.field)}: ${message}`;
  }
  return String(value);
}

/** Rows of objects as a table of their values (the directory import's refused rows, recognition counts). */
function rowsTable(rows: Record<string, unknown>[]): Html {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return dataTable(columns, rows.map((row) => columns.map((column) => cellText(row[column]))));
}

/**
 * The program pages: directory import, program settings (matching policy, encounter guide and resources),
 * opt-outs, training lapses, failed staff pages and, for the director, supporter recognition.
 */
@Controller()
export class ProgramController {
  constructor(private readonly api: HarborApi) {}

  @Get('directory')
  @ConsolePage(Role.ProgramAdmin)
  directory(@Req() request: ConsoleRequest, @Res() response: Response): void {
    renderPage(request, response, { title: 'Clinician directory', body: this.uploadForm(request.console!.csrf), current: '/directory' });
  }

  @Post('directory')
  @ConsolePage(Role.ProgramAdmin)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } }))
  async upload(@Req() request: ConsoleRequest, @Res() response: Response, @UploadedFile() file?: { buffer: Buffer; originalname: string; mimetype: string }): Promise<void> {
    if (!file || file.buffer.length === 0) {
      return renderPage(request, response, { title: 'Clinician directory', body: this.uploadForm(request.console!.csrf), notice: { kind: 'problem', text: 'Choose a CSV file or a FHIR Bundle (JSON) to upload.' }, current: '/directory' }, 422);
    }
    const isJson = /\.json$/i.test(file.originalname) || file.mimetype.includes('json');
    const result = await this.api.call<Record<string, unknown>>(request, 'matching', 'POST', '/v1/directory/clinicians/import?rows=outcomes', file.buffer, isJson ? 'application/fhir+json' : 'text/csv');
    let report: Html;
    if (!result.ok) report = html``;
    else {
      const body = result.body;
      const lists = Object.entries(body).filter(([, value]) => Array.isArray(value)) as [string, Record<string, unknown>[]][];
      const counts = Object.entries(body).filter(([, value]) => typeof value === 'number');
      report = html`<h2>Import report</h2><ul>${counts.map(([name, value]) => html`<li><strong>${name}</strong>: ${String(value)}</li>`)}</ul>
        ${lists.map(([name, rows]) => html`<h2>${name} (${rows.length})</h2>${rows.length === 0 ? html`<p class="muted">None.</p>` : rowsTable(rows.map((row) => (typeof row === 'object' ? row : { value: row })))}`)}`;
    }
    renderPage(request, response, {
      title: 'Clinician directory',
      body: html`${report}${this.uploadForm(request.console!.csrf)}`,
      notice: result.ok ? { kind: 'ok', text: `Imported ${file.originalname}.` } : { kind: 'problem', text: result.problem! },
      current: '/directory',
    }, result.ok ? 200 : 422);
  }

  private uploadForm(csrf: string): Html {
    // Multipart bodies are read after the session guard runs, so the anti-forgery token travels in the action.
    return html`<form method="post" action="/directory?_csrf=${encodeURIComponent(csrf)}" enctype="multipart/form-data"><fieldset><legend>Upload the directory</legend>
      <label for="file">CSV (columns in docs/matching.md) or FHIR Bundle of Practitioner and PractitionerRole (.json)</label>
      <input type="file" id="file" name="file" accept=".csv,.json,text/csv,application/json,application/fhir+json" required></fieldset>
      <button type="submit">Upload</button></form>`;
  }

  @Get('settings')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async settings(@Req() request: ConsoleRequest, @Res() response: Response, @Query('program') requested?: string): Promise<void> {
    const program = programOf(requested);
    const [policies, content, triggers] = await Promise.all([
      this.api.read<{ defaults: PolicyView; programs: { program: string; facilities: string[]; policy: PolicyView; updatedAt: string; updatedBy: string }[] }>(request, 'matching', '/v1/policy'),
      this.api.read<{ guide: string[]; resources: { kind: string; label: string; phone?: string; url?: string }[] }>(request, 'notification', `/v1/programs/${program}/encounter-content`),
      this.api.read<TriggerPolicyView>(request, 'intake', '/v1/trigger-policy'),
    ]);
    const saved = policies.programs.find((entry) => entry.program === program);
    const policy = saved?.policy ?? policies.defaults;
    const csrf = request.console!.csrf;
    const select = (name: string, label: string, options: string[], value: string) => html`<div><label for="${name}">${label}</label><select id="${name}" name="${name}">${options.map((option) => html`<option${option === value ? ' selected' : ''}>${option}</option>`)}</select></div>`;
    const number = (name: string, label: string, value: number | string) => html`<div><label for="${name}">${label}</label><input type="text" inputmode="numeric" id="${name}" name="${name}" value="${value}"></div>`;
    const body = html`
      <form method="get" action="/settings" class="row"><div><label for="program-choice">Program</label><input type="text" id="program-choice" name="program" value="${program}"></div><div><button type="submit" class="secondary">Show</button></div></form>
      <p class="muted">Programs with their own policy: ${policies.programs.map((entry) => entry.program).join(', ') || 'none (the defaults apply)'}.${saved ? ` Last changed ${when(saved.updatedAt)} by ${saved.updatedBy}.` : ''}</p>
      <h2>Matching policy</h2>
      <form method="post" action="/settings/policy">${csrfField(csrf)}<input type="hidden" name="program" value="${program}">
      <fieldset><legend>Who is offered a case</legend><div class="row">
      <div><label for="facilities">Facilities this program serves (comma-separated)</label><input type="text" id="facilities" name="facilities" value="${(saved?.facilities ?? []).join(', ')}"></div>
      ${select('departmentRule', 'Department rule', ['avoid', 'prefer', 'any'], policy.departmentRule)}
      ${select('professionRule', 'Profession rule', ['prefer', 'any'], policy.professionRule)}
      ${select('languageRule', 'Language rule', ['require', 'any'], policy.languageRule)}
      ${number('restAfterSevereHours', 'Rest after a severe case (hours)', policy.restAfterSevereHours)}
      ${number('monthlyCaseCap', 'Cases per supporter per month (0 = no cap)', policy.monthlyCaseCap)}
      </div></fieldset>
      <fieldset><legend>Deadlines and escalation</legend><div class="row">
      ${number('ackTimeoutMinutes', 'Time to answer an offer (minutes)', policy.ackTimeoutSeconds / 60)}
      ${number('overallDeadlineMinutes', 'Overall deadline to acceptance (minutes)', policy.overallDeadlineSeconds / 60)}
      ${number('maxOffers', 'Offers before escalating', policy.maxOffers)}
      <div><label for="followUpHours">Follow-up reminders after contact (hours, comma-separated)</label><input type="text" id="followUpHours" name="followUpHours" value="${policy.followUpSeconds.map((seconds) => seconds / 3600).join(', ')}"></div>
      <div><label for="fallbackResource">Resource offered on escalation</label><input type="text" id="fallbackResource" name="fallbackResource" value="${policy.fallbackResource}"></div>
      </div></fieldset><button type="submit">Save policy</button></form>
      <h2>Conversation guide and resources</h2>
      <form method="post" action="/settings/encounter-content">${csrfField(csrf)}<input type="hidden" name="program" value="${program}">
      <fieldset><legend>Guide shown to the supporter</legend><label for="guide">Prompts, one a line (at most 12, each at most 200 characters)</label>
      <textarea id="guide" name="guide" rows="8">${content.guide.join('\n')}</textarea></fieldset>
      <fieldset><legend>Resources (one per kind)</legend>
      ${Array.from({ length: RESOURCE_ROWS }, (_, row) => {
        const resource = content.resources[row];
        return html`<div class="row"><div><label for="resourceKind${row}">Resource ${row + 1} kind</label><select id="resourceKind${row}" name="resourceKind${row}"><option value="">none</option>${REFERRAL_TYPES.map((kind) => html`<option${resource?.kind === kind ? ' selected' : ''}>${kind}</option>`)}</select></div>
        <div><label for="resourceLabel${row}">Label</label><input type="text" id="resourceLabel${row}" name="resourceLabel${row}" value="${resource?.label ?? ''}"></div>
        <div><label for="resourcePhone${row}">Phone</label><input type="tel" id="resourcePhone${row}" name="resourcePhone${row}" value="${resource?.phone ?? ''}"></div>
        <div><label for="resourceUrl${row}">Website (https)</label><input type="url" id="resourceUrl${row}" name="resourceUrl${row}" value="${resource?.url ?? ''}"></div></div>`;
      })}</fieldset><button type="submit">Save guide and resources</button></form>
      ${this.triggerPolicyForm(csrf, triggers)}`;
    renderPage(request, response, { title: 'Program settings', body, current: '/settings' });
  }

  @Post('settings/policy')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async savePolicy(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const policy = policyFromForm(body);
    const result = await this.api.call(request, 'matching', 'PUT', '/v1/policy', policy);
    redirectWithNotice(request, response, `/settings?program=${encodeURIComponent(programOf(String(policy.program)))}`, result.ok ? { kind: 'ok', text: 'Policy saved.' } : { kind: 'problem', text: result.problem! });
  }

  /**
   * Intake's trigger policy (who is served), for the whole intake rather than one program: checkbox lists from the
   * contracts' vocabularies, the harm threshold, the cooldown; each field says whether it is the program's or the
   * configuration's.
   */
  private triggerPolicyForm(csrf: string, policy: TriggerPolicyView): Html {
    const overridden = new Set(policy.overridden ?? []);
    const source = (name: string) => (overridden.has(name) ? 'set here' : 'configuration');
    const boxes = (name: string, legend: string, options: readonly string[], values: string[]) => html`<fieldset id="${name}"><legend>${legend} <span class="muted">(${source(name)})</span></legend><div class="row">
      ${options.map((option) => html`<div><label><input type="checkbox" name="${name}" value="${option}"${values.includes(option) ? ' checked' : ''}> ${option}</label></div>`)}</div></fieldset>`;
    return html`<h2>Trigger policy</h2>
      <p class="muted">Which events lead intake to offer support, for triggers recorded from now on (the same for every program). Fields not set here follow intake's configuration (<code>INTAKE_*</code>; docs/intake.md).</p>
      <form method="post" action="/settings/trigger-policy" id="trigger-policy">${csrfField(csrf)}
      ${(['servedProfessions', 'outreachCategories', 'minHarmLevel', 'lawsuitKinds', 'cooldownHours'] as const).map((name) => html`<input type="hidden" name="shown.${name}" value="${shownValue(policy[name])}">`)}
      ${boxes('servedProfessions', 'Professions served', ['all', ...PROFESSION_GROUPS], policy.servedProfessions)}
      ${boxes('outreachCategories', 'Incident categories that lead to outreach', INCIDENT_CATEGORIES, policy.outreachCategories)}
      ${boxes('lawsuitKinds', 'Claim kinds that lead to outreach', LAWSUIT_KINDS, policy.lawsuitKinds)}
      <fieldset><legend>Harm and cooldown</legend><div class="row">
      <div><label for="minHarmLevel">Harm threshold: incidents at this harm or worse (${source('minHarmLevel')})</label><select id="minHarmLevel" name="minHarmLevel">${HARM_LEVELS.map((level) => html`<option${level === policy.minHarmLevel ? ' selected' : ''}>${level}</option>`)}</select></div>
      <div><label for="cooldownHours">Not asked again for (hours; 0 = always asked) (${source('cooldownHours')})</label><input type="text" inputmode="numeric" id="cooldownHours" name="cooldownHours" value="${policy.cooldownHours}"></div>
      </div></fieldset><button type="submit">Save trigger policy</button></form>
      ${overridden.size ? html`<form method="post" action="/settings/trigger-policy">${csrfField(csrf)}<input type="hidden" name="reset" value="configuration"><button type="submit" class="secondary">Back to intake’s configuration</button></form>` : html``}`;
  }

  @Post('settings/trigger-policy')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async saveTriggerPolicy(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const result = await this.api.call(request, 'intake', 'PUT', '/v1/trigger-policy', triggerPolicyFromForm(body));
    redirectWithNotice(request, response, '/settings', result.ok ? { kind: 'ok', text: 'Trigger policy saved: it applies to triggers recorded from now on.' } : { kind: 'problem', text: result.problem! });
  }

  @Post('settings/encounter-content')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async saveContent(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const program = programOf(field(body, 'program'));
    const result = await this.api.call(request, 'notification', 'PUT', `/v1/programs/${program}/encounter-content`, encounterContentFromForm(body, RESOURCE_ROWS));
    redirectWithNotice(request, response, `/settings?program=${program}`, result.ok ? { kind: 'ok', text: 'Guide and resources saved.' } : { kind: 'problem', text: result.problem! });
  }

  @Get('opt-outs')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async optOuts(@Req() request: ConsoleRequest, @Res() response: Response, @Query('system') system?: string, @Query('value') value?: string): Promise<void> {
    const csrf = request.console!.csrf;
    // There is no list of the registry (intake keeps none to give out): one identifier is checked at a time.
    let checked: Html = html``;
    if (system && value) {
      const result = await this.api.get<{ optedOut: boolean; since?: string }>(request, 'intake', `/v1/opt-outs/check?${new URLSearchParams({ system, value })}`);
      checked = result.ok
        ? html`<p class="notice ${result.body.optedOut ? 'ok' : 'problem'}" role="status" id="opt-out-answer">${value} ${result.body.optedOut ? `has opted out${result.body.since ? ` (since ${when(result.body.since)})` : ''}.` : 'has not opted out.'}</p>`
        : html`<p class="notice problem" role="alert">${result.problem}</p>`;
    }
    const identifierFields = (prefix: string, given?: { system?: string; value?: string }) => html`<div class="row"><div><label for="${prefix}-system">Identifier system</label><input type="text" id="${prefix}-system" name="system" value="${given?.system ?? 'http://hl7.org/fhir/sid/us-npi'}" required></div>
      <div><label for="${prefix}-value">Identifier</label><input type="text" id="${prefix}-value" name="value" value="${given?.value ?? ''}" required></div></div>`;
    const body = html`<p>Record a clinician’s own request not to be contacted proactively, or its withdrawal (self-referrals are always honoured).</p>
      <form method="get" action="/opt-outs"><fieldset><legend>Check one clinician</legend>${identifierFields('check', { system, value })}</fieldset><button type="submit" class="secondary">Check</button></form>
      ${checked}
      <form method="post" action="/opt-outs">${csrfField(csrf)}<fieldset><legend>Add an opt-out</legend>${identifierFields('add')}</fieldset><button type="submit">Add opt-out</button></form>
      <form method="post" action="/opt-outs/remove">${csrfField(csrf)}<fieldset><legend>Remove an opt-out</legend>${identifierFields('remove')}</fieldset><button type="submit" class="secondary">Remove opt-out</button></form>`;
    renderPage(request, response, { title: 'Opt-outs', body, current: '/opt-outs' });
  }

  @Post('opt-outs')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async addOptOut(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const result = await this.api.call(request, 'intake', 'POST', '/v1/opt-outs', { identifier: { system: field(body, 'system') ?? '', value: field(body, 'value') ?? '' } });
    const checkAgain = `/opt-outs?${new URLSearchParams({ system: field(body, 'system') ?? '', value: field(body, 'value') ?? '' })}`;
    redirectWithNotice(request, response, result.ok ? checkAgain : '/opt-outs', result.ok ? { kind: 'ok', text: 'Opt-out recorded.' } : { kind: 'problem', text: result.problem! });
  }

  @Post('opt-outs/remove')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async removeOptOut(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const query = new URLSearchParams({ system: field(body, 'system') ?? '', value: field(body, 'value') ?? '' });
    const result = await this.api.call(request, 'intake', 'DELETE', `/v1/opt-outs?${query}`);
    redirectWithNotice(request, response, result.ok ? `/opt-outs?${query}` : '/opt-outs', result.ok ? { kind: 'ok', text: 'Opt-out removed.' } : { kind: 'problem', text: result.problem! });
  }

  @Get('training-lapses')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async lapses(@Req() request: ConsoleRequest, @Res() response: Response, @Query('within') within = '90'): Promise<void> {
    const days = /^\d{1,3}$/.test(within) ? within : '90';
    const { supporters } = await this.api.read<{ supporters: { id: string; program: string; status: string; trainingExpiresOn: string; daysLeft: number }[] }>(request, 'matching', `/v1/roster/training-lapses?within=${days}`);
    const body = html`<form method="get" action="/training-lapses" class="row"><div><label for="within">Expiring within (days)</label><input type="text" inputmode="numeric" id="within" name="within" value="${days}"></div><div><button type="submit" class="secondary">Show</button></div></form>
      ${supporters.length === 0 ? html`<p class="muted">No training lapses within ${days} days.</p>` : dataTable(['Supporter', 'Program', 'Status', 'Training until', 'Days left'],
        supporters.map((supporter) => [html`<a href="/roster/${supporter.id}">${supporter.id}</a>`, supporter.program, supporter.status, supporter.trainingExpiresOn, supporter.daysLeft]))}`;
    renderPage(request, response, { title: 'Training lapses', body, current: '/training-lapses' });
  }

  @Get('staff-pages')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async staffPages(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const { pages } = await this.api.read<{ pages: { pageId: string; kind: string; caseId: string | null; recipientId: string; failedBecause: string | null; requestedAt: string; finishedAt: string | null; channels: string[] | null }[] }>(request, 'notification', '/v1/staff-pages?status=failed&limit=100');
    const body = pages.length === 0 ? html`<p class="muted">No staff page has failed.</p>` : html`<p>These pages to program staff could not be delivered on any channel: call the person.</p>${dataTable(['Kind', 'To', 'Case', 'Channels tried', 'Why', 'Requested'],
      pages.map((page) => [page.kind, page.recipientId, page.caseId ? html`<a href="${page.kind === 'group-debrief-offer' ? `/debriefs#debrief-${page.caseId}` : `/cases/${page.caseId}`}">${page.caseId.slice(0, 8)}</a>` : '', (page.channels ?? []).join(', '), page.failedBecause, when(page.requestedAt)]))}`;
    renderPage(request, response, { title: 'Failed staff pages', body, current: '/staff-pages' });
  }

  /** The end-of-year list (supporters who consented to be named) for the celebration, then the exact counts form. */
  @Get('recognition')
  @ConsolePage(Role.ProgramDirector)
  async recognition(@Req() request: ConsoleRequest, @Res() response: Response, @Query('year') year?: string): Promise<void> {
    const chosen = year && /^\d{4}$/.test(year) ? year : String(new Date().getUTCFullYear());
    const list = await this.api.read<{ year: number; supporters: { displayName: string; program: string; casesAccepted: number; colleaguesReached: number }[] }>(
      request, 'matching', `/v1/roster/recognition?year=${chosen}`,
    );
    const body = html`<h2>Recognition list ${list.year}</h2>
      <p>Supporters who agreed to be named (their roster entry says so), with the cases they accepted and the colleagues they reached that year.</p>
      ${list.supporters.length === 0 ? html`<p class="muted">Nobody has agreed to be named yet.</p>` : dataTable(['Supporter', 'Program', 'Cases accepted', 'Colleagues reached'],
        list.supporters.map((supporter) => [supporter.displayName, supporter.program, String(supporter.casesAccepted), String(supporter.colleaguesReached)]))}
      <form method="get" action="/recognition" class="row"><div><label for="list-year">Year</label><input type="text" inputmode="numeric" id="list-year" name="year" value="${chosen}"></div><div><button type="submit" class="secondary">Show</button></div></form>
      <h2>Exact counts by roster id</h2>${this.recognitionForm(request.console!.csrf, '')}`;
    renderPage(request, response, { title: 'Supporter recognition', body, current: '/recognition' });
  }

  @Post('recognition')
  @ConsolePage(Role.ProgramDirector)
  async recognise(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const ids = (field(body, 'supporterIds') ?? '').split(/[\s,]+/).filter(Boolean);
    const year = field(body, 'year');
    const result = await this.api.call<{ supporters: Record<string, unknown>[] }>(request, 'reporting', 'POST', '/v1/recognition', { supporterIds: ids, ...(year ? { year: /^\d+$/.test(year) ? Number(year) : year } : {}) });
    const table = result.ok ? html`<h2>Colleagues reached${year ? ` in ${year}` : ''}</h2>${result.body.supporters.length === 0 ? html`<p class="muted">None.</p>` : rowsTable(result.body.supporters)}` : html``;
    renderPage(request, response, {
      title: 'Supporter recognition',
      body: html`${table}${this.recognitionForm(request.console!.csrf, ids.join(', '))}`,
      notice: result.ok ? undefined : { kind: 'problem', text: result.problem! },
      current: '/recognition',
    }, result.ok ? 200 : 422);
  }

  private recognitionForm(csrf: string, ids: string): Html {
    return html`<p>Exact counts per supporter, for the director only; they never appear in reports.</p><form method="post" action="/recognition">${csrfField(csrf)}<fieldset><legend>Supporters</legend>
      <label for="supporterIds">Roster ids (comma-separated)</label><input type="text" id="supporterIds" name="supporterIds" value="${ids}" required>
      <label for="year">Year (empty: all years kept)</label><input type="text" inputmode="numeric" id="year" name="year"></fieldset><button type="submit">Count</button></form>`;
  }
}
