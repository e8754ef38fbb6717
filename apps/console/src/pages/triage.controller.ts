import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role } from '@harbor/auth';
import { PROFESSION_GROUPS } from '@harbor/contracts';
import { HarborApi } from '../api/harbor-api';
import { ConsolePage, ConsoleRequest, redirectWithNotice, renderPage } from '../session/console-page';
import { when } from './format';
import { FormBody, triageAssignmentFromForm } from './forms';
import { html } from './html';
import { csrfField } from './layout';

interface TriageItem {
  id: string;
  reason: string;
  displayText: string | null;
  identifiers: { system: string | null; value: string }[];
  kind: string;
  facility: string;
  department: string | null;
  createdAt: string;
}

const REASONS: Record<string, string> = {
  'display-only': 'The source named the person by name only, without an identifier.',
  'unresolvable-reference': 'The source referred to a person Harbor could not look up.',
  'no-clinician-named': 'The source named no clinician.',
};

const NPI = 'http://hl7.org/fhir/sid/us-npi';

/** The triage queue: why each item is there, resolve it to a clinician's identifier, or dismiss it. */
@Controller()
export class TriageController {
  constructor(private readonly api: HarborApi) {}

  @Get('triage')
  @ConsolePage(Role.ProgramAdmin)
  async list(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const { items } = await this.api.read<{ items: TriageItem[] }>(request, 'intake', '/v1/triage?limit=100');
    const csrf = request.console!.csrf;
    const body = items.length === 0
      ? html`<p class="muted">The triage queue is empty.</p>`
      : html`${items.map((item, index) => html`<section class="triage-item" aria-labelledby="item-${index}"><h2 id="item-${index}">${item.kind} from ${item.facility}${item.department ? `, ${item.department}` : ''} — ${when(item.createdAt)}</h2>
        <p><strong>Why it is here:</strong> ${REASONS[item.reason] ?? item.reason}</p>
        ${item.displayText ? html`<p><strong>The source said:</strong> ${item.displayText}</p>` : ''}
        ${item.identifiers.length > 0 ? html`<p><strong>Identifiers given:</strong> ${item.identifiers.map((identifier) => `${identifier.system ?? '(no system)'} ${identifier.value}`).join('; ')}</p>` : ''}
        <form method="post" action="/triage/${item.id}/assign">${csrfField(csrf)}<fieldset><legend>Resolve to a clinician</legend><div class="row">
          <div><label for="system-${index}">Identifier system</label><input type="text" id="system-${index}" name="system" value="${NPI}"></div>
          <div><label for="value-${index}">Identifier</label><input type="text" id="value-${index}" name="value" required></div>
          <div><label for="profession-${index}">Profession (if known)</label><select id="profession-${index}" name="profession"><option value="">unknown</option>${PROFESSION_GROUPS.map((group) => html`<option>${group}</option>`)}</select></div>
        </div></fieldset><button type="submit">Resolve</button></form>
        <form method="post" action="/triage/${item.id}/dismiss">${csrfField(csrf)}<button type="submit" class="secondary">Dismiss</button></form></section>`)}`;
    renderPage(request, response, { title: 'Triage', body, current: '/triage' });
  }

  @Post('triage/:id/assign')
  @ConsolePage(Role.ProgramAdmin)
  async assign(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string, @Body() body: FormBody): Promise<void> {
    const result = await this.api.call<{ decision?: string; supportRequested?: boolean }>(request, 'intake', 'POST', `/v1/triage/${encodeURIComponent(id)}/assign`, triageAssignmentFromForm(body));
    const text = result.ok
      ? `Resolved: ${result.body.supportRequested ? 'support was requested for the clinician' : `no support request (${result.body.decision ?? 'policy'})`}.`
      : result.problem!;
    redirectWithNotice(request, response, '/triage', { kind: result.ok ? 'ok' : 'problem', text });
  }

  @Post('triage/:id/dismiss')
  @ConsolePage(Role.ProgramAdmin)
  async dismiss(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const result = await this.api.call(request, 'intake', 'POST', `/v1/triage/${encodeURIComponent(id)}/dismiss`);
    redirectWithNotice(request, response, '/triage', result.ok ? { kind: 'ok', text: 'Dismissed.' } : { kind: 'problem', text: result.problem! });
  }
}
