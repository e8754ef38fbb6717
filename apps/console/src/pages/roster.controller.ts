import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role } from '@harbor/auth';
import { CHANNEL_KINDS, PROFESSION_GROUPS } from '@harbor/contracts';
import { HarborApi } from '../api/harbor-api';
import { ConsolePage, ConsoleRequest, redirectWithNotice, renderPage } from '../session/console-page';
import { CHANNEL_ROWS, FormBody, scheduleByDay, scheduleFromForm, supporterFromForm, trainingFromForm, WEEKDAY_NAMES, WEEKDAYS } from './forms';
import { html, Html } from './html';
import { csrfField } from './layout';
import { dataTable } from './table';

interface SupporterView {
  id: string;
  displayName: string;
  program: string;
  profession: string;
  department?: string | null;
  facility?: string | null;
  languages?: string[];
  status?: string;
  acceptsCasesWhileResting?: boolean;
  recognitionConsent?: boolean;
  optedOut?: boolean;
  linkedToDirectory?: boolean;
  trainingExpiresOn?: string | null;
  openCases?: number;
  maxOpenCases?: number;
  timeZone?: string;
  channels?: { kind: string; address: string }[];
  schedule?: { day: number; startMinute: number; endMinute: number }[];
  training?: { course: string; completedOn: string; expiresOn: string }[];
  casesInMonth?: number;
}

const supporterPath = (id: string) => `/v1/roster/supporters/${encodeURIComponent(id)}`;

function supporterForm(csrf: string, values: Partial<SupporterView>, editing: boolean): Html {
  const channels = values.channels ?? [];
  const text = (name: keyof SupporterView, label: string, hint = '', extra: Html | string = '') => html`<div><label for="${name}">${label}</label>${hint ? html`<span class="muted" id="${name}-hint">${hint}</span>` : ''}
    <input type="text" id="${name}" name="${name}" value="${(values[name] as string | undefined) ?? ''}"${hint ? html` aria-describedby="${name}-hint"` : ''}${extra}></div>`;
  return html`<form method="post" action="/roster">${csrfField(csrf)}<input type="hidden" name="status" value="${values.status ?? 'active'}">${editing ? html`<input type="hidden" name="editing" value="yes">` : ''}
  <fieldset><legend>Supporter</legend><div class="row">
  ${editing ? html`<input type="hidden" name="id" value="${values.id ?? ''}">` : text('id', 'Roster id', 'letters, digits, “.”, “_” and “-”', ' required')}
  ${text('displayName', 'Name', '', ' required')}
  <div><label for="profession">Profession</label><select id="profession" name="profession">${PROFESSION_GROUPS.map((group) => html`<option${group === values.profession ? ' selected' : ''}>${group}</option>`)}</select></div>
  ${text('department', 'Department')}${text('facility', 'Facility')}${text('program', 'Program')}
  <div><label for="languages">Languages</label><span class="muted" id="languages-hint">ISO codes, comma-separated, e.g. en, es</span><input type="text" id="languages" name="languages" aria-describedby="languages-hint" value="${(values.languages ?? []).join(', ')}"></div>
  <div><label for="timeZone">Time zone</label><input type="text" id="timeZone" name="timeZone" value="${values.timeZone ?? 'UTC'}"></div>
  </div></fieldset>
  <fieldset><legend>Training and capacity</legend><div class="row">
  <div><label for="trainingExpiresOn">Training current until</label><input type="date" id="trainingExpiresOn" name="trainingExpiresOn" value="${values.trainingExpiresOn ?? ''}"></div>
  <div><label for="maxOpenCases">Open cases at most</label><input type="number" id="maxOpenCases" name="maxOpenCases" min="1" max="20" value="${values.maxOpenCases ?? 2}"></div>
  <div><label><input type="checkbox" name="acceptsCasesWhileResting" value="yes"${values.acceptsCasesWhileResting ? ' checked' : ''}> Takes cases during the rest period after a severe case</label></div>
  </div></fieldset>
  <fieldset><legend>The supporter's choices</legend>
  <div><label><input type="checkbox" name="recognitionConsent" value="yes"${values.recognitionConsent ? ' checked' : ''}> Agrees to be named in the end-of-year recognition list</label></div>
  <div><label><input type="checkbox" name="optedOut" value="yes"${values.optedOut ? ' checked' : ''}> Has stepped back: offer no cases</label></div>
  ${values.linkedToDirectory ? html`<p class="muted">Linked to their own directory entry: never offered their own case.</p>` : ''}</fieldset>
  <fieldset><legend>Channels, in the order they are tried</legend>
  ${Array.from({ length: CHANNEL_ROWS }, (_, row) => html`<div class="row"><div><label for="channelKind${row}">Channel ${row + 1}</label>
    <select id="channelKind${row}" name="channelKind${row}"><option value="">none</option>${CHANNEL_KINDS.map((kind) => html`<option${channels[row]?.kind === kind ? ' selected' : ''}>${kind}</option>`)}</select></div>
    <div><label for="channelAddress${row}">Address of channel ${row + 1}</label><input type="text" id="channelAddress${row}" name="channelAddress${row}" value="${channels[row]?.address ?? ''}"></div></div>`)}
  <p class="muted">Phone number (sms), pager id, PagerDuty routing alias or email address; none for the console channel.</p></fieldset>
  <button type="submit">${editing ? 'Save changes' : 'Add supporter'}</button></form>`;
}

/** The supporter roster: list, add and edit, training, capacity, weekly availability, pause and activate. */
@Controller()
export class RosterController {
  constructor(private readonly api: HarborApi) {}

  @Get('roster')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Req() request: ConsoleRequest, @Res() response: Response, @Query('program') program?: string, @Query('after') after?: string): Promise<void> {
    const query = new URLSearchParams({ limit: '100' });
    if (program) query.set('program', program);
    if (after) query.set('after', after);
    const { supporters, next } = await this.api.read<{ supporters: SupporterView[]; next: string | null }>(request, 'matching', `/v1/roster/supporters?${query}`);
    const isAdmin = request.console!.user.roles.includes(Role.ProgramAdmin);
    const rows = supporters.map((supporter) => [
      html`<a href="/roster/${supporter.id}">${supporter.displayName}</a><br><span class="muted">${supporter.id}</span>`, supporter.program,
      html`<span class="status">${supporter.status ?? ''}</span>`, `${supporter.openCases ?? 0} / ${supporter.maxOpenCases ?? ''}`, supporter.trainingExpiresOn ?? 'none',
      (supporter.channels ?? []).map((channel) => channel.kind).join(', '),
    ]);
    const more = new URLSearchParams(program ? { program, after: next ?? '' } : { after: next ?? '' });
    const body = html`${isAdmin ? html`<p><a href="/roster/new">Add a supporter</a></p>` : ''}
      <form method="get" action="/roster" class="row"><div><label for="program-filter">Program</label><input type="text" id="program-filter" name="program" value="${program ?? ''}"></div><div><button type="submit" class="secondary">Filter</button></div></form>
      ${rows.length === 0 ? html`<p class="muted">No supporters${after ? ' after these' : ' yet'}.</p>` : dataTable(['Supporter', 'Program', 'Status', 'Load', 'Training until', 'Channels'], rows)}
      ${next ? html`<p><a href="/roster?${more.toString()}">Next supporters</a></p>` : ''}`;
    renderPage(request, response, { title: 'Roster', body, current: '/roster' });
  }

  @Get('roster/new')
  @ConsolePage(Role.ProgramAdmin)
  add(@Req() request: ConsoleRequest, @Res() response: Response): void {
    renderPage(request, response, { title: 'Add a supporter', body: supporterForm(request.console!.csrf, { program: 'default' }, false), current: '/roster' });
  }

  @Post('roster')
  @ConsolePage(Role.ProgramAdmin)
  async save(@Req() request: ConsoleRequest, @Res() response: Response, @Body() body: FormBody): Promise<void> {
    const supporter = supporterFromForm(body);
    const result = await this.api.call(request, 'matching', 'POST', '/v1/roster/supporters', supporter);
    if (result.ok) return redirectWithNotice(request, response, `/roster/${encodeURIComponent(String(supporter.id))}`, { kind: 'ok', text: result.status === 201 ? 'Supporter added.' : 'Supporter saved.' });
    const editing = body.editing === 'yes';
    renderPage(request, response, {
      title: editing ? 'Edit supporter' : 'Add a supporter',
      body: supporterForm(request.console!.csrf, supporter as Partial<SupporterView>, editing),
      notice: { kind: 'problem', text: result.problem! },
      current: '/roster',
    }, 422);
  }

  @Get('roster/:id')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const supporter = await this.api.read<SupporterView>(request, 'matching', supporterPath(id));
    const csrf = request.console!.csrf;
    const isAdmin = request.console!.user.roles.includes(Role.ProgramAdmin);
    const windows = scheduleByDay(supporter.schedule ?? []);
    const paused = supporter.status === 'paused';
    const body = html`
      <dl class="facts"><dt>Status</dt><dd><span class="status" id="supporter-status">${supporter.status}</span></dd><dt>Open cases</dt><dd>${supporter.openCases ?? 0} of at most ${supporter.maxOpenCases}</dd>
      <dt>Training current until</dt><dd>${supporter.trainingExpiresOn ?? 'no current training'}</dd><dt>Cases this month</dt><dd>${supporter.casesInMonth ?? 0}</dd></dl>
      ${isAdmin ? html`
      <form method="post" action="/roster/${supporter.id}/${paused ? 'activate' : 'pause'}">${csrfField(csrf)}<button type="submit" class="secondary">${paused ? 'Activate (take cases again)' : 'Pause (no new cases)'}</button></form>
      <h2>Details, training, capacity and channels</h2>${supporterForm(csrf, supporter, true)}
      <h2>Weekly availability</h2>
      <form method="post" action="/roster/${supporter.id}/schedule">${csrfField(csrf)}
      <fieldset><legend>On call (local time; an end at or before the start runs past midnight; leave a day empty for none)</legend>
      <div><label for="schedule-tz">Time zone</label><input type="text" id="schedule-tz" name="timeZone" value="${supporter.timeZone ?? 'UTC'}"></div>
      ${WEEKDAYS.map((day) => html`<div class="row"><div><label for="start-${day}">${WEEKDAY_NAMES[day]} from</label><input type="time" id="start-${day}" name="start-${day}" value="${windows.get(day)?.start ?? ''}"></div>
        <div><label for="end-${day}">${WEEKDAY_NAMES[day]} until</label><input type="time" id="end-${day}" name="end-${day}" value="${windows.get(day)?.end ?? ''}"></div></div>`)}
      </fieldset><button type="submit">Save availability</button></form>
      <h2>Training completed</h2>
      ${(supporter.training ?? []).length === 0 ? html`<p class="muted">No training recorded.</p>` : html`<ul>${supporter.training!.map((record) => html`<li>${record.course}: completed ${record.completedOn}, current until ${record.expiresOn}</li>`)}</ul>`}
      <form method="post" action="/roster/${supporter.id}/training">${csrfField(csrf)}<fieldset><legend>Record a completed training</legend><div class="row">
      <div><label for="course">Course</label><input type="text" id="course" name="course" required></div>
      <div><label for="completedOn">Completed on</label><input type="date" id="completedOn" name="completedOn" required></div>
      <div><label for="expiresOn">Current until</label><input type="date" id="expiresOn" name="expiresOn" required></div></div></fieldset>
      <button type="submit">Record training</button></form>` : ''}
      <p><a href="/roster">Back to the roster</a></p>`;
    renderPage(request, response, { title: supporter.displayName, body, current: '/roster' });
  }

  @Post('roster/:id/schedule')
  @ConsolePage(Role.ProgramAdmin)
  async schedule(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string, @Body() body: FormBody): Promise<void> {
    const result = await this.api.call(request, 'matching', 'PUT', `${supporterPath(id)}/schedule`, scheduleFromForm(body));
    redirectWithNotice(request, response, `/roster/${encodeURIComponent(id)}`, result.ok ? { kind: 'ok', text: 'Availability saved.' } : { kind: 'problem', text: result.problem! });
  }

  @Post('roster/:id/training')
  @ConsolePage(Role.ProgramAdmin)
  async training(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string, @Body() body: FormBody): Promise<void> {
    const result = await this.api.call(request, 'matching', 'POST', `${supporterPath(id)}/training`, trainingFromForm(body));
    redirectWithNotice(request, response, `/roster/${encodeURIComponent(id)}`, result.ok ? { kind: 'ok', text: 'Training recorded.' } : { kind: 'problem', text: result.problem! });
  }

  @Post('roster/:id/pause')
  @ConsolePage(Role.ProgramAdmin)
  async pause(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const result = await this.api.call(request, 'matching', 'POST', `${supporterPath(id)}/pause`);
    redirectWithNotice(request, response, `/roster/${encodeURIComponent(id)}`, result.ok ? { kind: 'ok', text: 'Paused: no new cases until activated.' } : { kind: 'problem', text: result.problem! });
  }

  @Post('roster/:id/activate')
  @ConsolePage(Role.ProgramAdmin)
  async activate(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const result = await this.api.call(request, 'matching', 'POST', `${supporterPath(id)}/activate`);
    redirectWithNotice(request, response, `/roster/${encodeURIComponent(id)}`, result.ok ? { kind: 'ok', text: 'Active: takes cases again.' } : { kind: 'problem', text: result.problem! });
  }
}
