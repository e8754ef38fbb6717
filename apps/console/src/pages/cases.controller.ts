import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role } from '@harbor/auth';
import { HarborApi } from '../api/harbor-api';
import { ConsolePage, ConsoleRequest, renderPage } from '../session/console-page';
import { duration, when } from './format';
import { html } from './html';
import { dataTable } from './table';

type Cell = Parameters<typeof dataTable>[1][number][number];

interface CaseRow {
  id: string;
  status: string;
  program: string;
  supporterId: string | null;
  offers: number;
  createdAt: string;
  updatedAt: string;
}

interface CaseDetail extends Omit<CaseRow, 'offers'> {
  acceptedAt: string | null;
  closedAt: string | null;
  escalationReason: string | null;
  offers: unknown;
  deadlines: { kind: string; sequence: number; dueAt: string; status: string }[];
}

interface Offer {
  attempt: number;
  supporterId: string;
  status: string;
  offeredAt: string;
  pagedAt: string | null;
  pagedVia: string | null;
  respondBy: string | null;
  respondedAt: string | null;
  closedReason: string | null;
  considered: number | null;
  reasons: { supporterId?: string; rank?: number; chosen?: boolean; reasons?: string[] }[] | null;
}

const ACTIVE = ['offered', 'accepted', 'contacted', 'follow-up'];
const NEEDS_STAFF = ['escalated', 'unresolved'];

/**
 * The cases board: who is waiting for an acknowledgement and for how long, what is escalated, which follow-ups
 * are due, and each offer's reasons. Nothing about the patient, the event or the clinician: no category, harm,
 * place or names, only the case's state and the supporters' ids.
 */
@Controller()
export class CasesController {
  constructor(private readonly api: HarborApi) {}

  @Get('cases')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async board(@Req() request: ConsoleRequest, @Res() response: Response, @Query('program') program?: string): Promise<void> {
    const query = new URLSearchParams({ limit: '200' });
    if (program) query.set('program', program);
    const { cases } = await this.api.read<{ cases: CaseRow[] }>(request, 'matching', `/v1/cases?${query}`);
    const now = Date.now();
    const waiting = cases.filter((kase) => kase.status === 'offered');
    const escalated = cases.filter((kase) => NEEDS_STAFF.includes(kase.status));
    const following = cases.filter((kase) => ACTIVE.includes(kase.status) && kase.status !== 'offered');
    // Follow-ups due: the pending follow-up deadlines of the accepted cases (one read each, the newest 25).
    const details = await Promise.all(following.slice(0, 25).map((kase) => this.api.get<CaseDetail>(request, 'matching', `/v1/cases/${encodeURIComponent(kase.id)}`)));
    const followUps = details
      .filter((detail) => detail.ok)
      .flatMap((detail) => detail.body.deadlines.filter((deadline) => deadline.kind.includes('follow') && deadline.status === 'pending').map((deadline) => ({ kase: detail.body, deadline })))
      .sort((a, b) => a.deadline.dueAt.localeCompare(b.deadline.dueAt));
    const link = (kase: { id: string }) => html`<a href="/cases/${kase.id}">${kase.id.slice(0, 8)}</a>`;
    const table = (headers: string[], rows: Cell[][], empty: string) => (rows.length === 0 ? html`<p class="muted">${empty}</p>` : dataTable(headers, rows));
    const body = html`
      <section aria-labelledby="waiting"><h2 id="waiting">Waiting for acknowledgement (${waiting.length})</h2>
      ${table(['Case', 'Offered to', 'Offer', 'Waiting for'], waiting.map((kase) => [link(kase), kase.supporterId, kase.offers, duration(now - Date.parse(kase.updatedAt))]), 'No case is waiting for a supporter’s answer.')}</section>
      <section aria-labelledby="escalated"><h2 id="escalated">Escalated to the program (${escalated.length})</h2>
      ${table(['Case', 'Status', 'Offers', 'Since'], escalated.map((kase) => [link(kase), html`<span class="status">${kase.status}</span>`, kase.offers, duration(now - Date.parse(kase.updatedAt))]), 'Nothing is escalated.')}</section>
      <section aria-labelledby="followups"><h2 id="followups">Follow-ups due (${followUps.length})</h2>
      ${table(['Case', 'Supporter', 'Follow-up', 'Due'], followUps.map(({ kase, deadline }) => [link(kase), kase.supporterId, `${deadline.kind}${deadline.sequence ? ` ${deadline.sequence}` : ''}`, when(deadline.dueAt)]), 'No follow-up is pending.')}</section>
      <section aria-labelledby="all"><h2 id="all">All recent cases</h2>
      ${table(['Case', 'Status', 'Supporter', 'Offers', 'Opened', 'Last change'], cases.map((kase) => [link(kase), html`<span class="status">${kase.status}</span>`, kase.supporterId, kase.offers, when(kase.createdAt), when(kase.updatedAt)]), 'No cases yet.')}</section>`;
    renderPage(request, response, { title: 'Cases', body, current: '/cases' });
  }

  @Get('cases/:id')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async detail(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const kase = await this.api.read<CaseDetail>(request, 'matching', `/v1/cases/${encodeURIComponent(id)}`);
    const offers = (kase.offers as Offer[]) ?? [];
    const reasons = (offer: Offer) =>
      html`<ul>${(offer.reasons ?? []).map((entry) => html`<li>${entry.supporterId ?? ''}${entry.rank ? ` (rank ${entry.rank})` : ''}${entry.chosen ? ' — chosen' : ''}: ${(entry.reasons ?? []).join(', ')}</li>`)}</ul>`;
    const body = html`
      <dl class="facts"><dt>Status</dt><dd><span class="status" id="case-status">${kase.status}</span></dd><dt>Program</dt><dd>${kase.program}</dd>
      <dt>Opened</dt><dd>${when(kase.createdAt)}</dd>${kase.acceptedAt ? html`<dt>Accepted</dt><dd>${when(kase.acceptedAt)}</dd>` : ''}
      ${kase.escalationReason ? html`<dt>Escalated because</dt><dd>${kase.escalationReason}</dd>` : ''}${kase.closedAt ? html`<dt>Closed</dt><dd>${when(kase.closedAt)}</dd>` : ''}</dl>
      <h2>Offers and the reasons for each decision</h2>
      ${offers.length === 0 ? html`<p class="muted">No offer yet.</p>` : offers.map((offer) => html`<article class="offer" aria-labelledby="offer-${offer.attempt}"><h3 id="offer-${offer.attempt}">Offer ${offer.attempt}: ${offer.supporterId}</h3>
        <dl class="facts"><dt>Status</dt><dd><span class="status">${offer.status}</span>${offer.closedReason ? html` <span class="muted">(${offer.closedReason})</span>` : ''}</dd>
        <dt>Offered</dt><dd>${when(offer.offeredAt)}</dd>${offer.pagedVia ? html`<dt>Paged via</dt><dd>${offer.pagedVia}</dd>` : ''}
        <dt>Answer due</dt><dd>${when(offer.respondBy)}</dd>${offer.respondedAt ? html`<dt>Answered</dt><dd>${when(offer.respondedAt)}</dd>` : ''}</dl>
        <p><strong>Why (of ${offer.considered ?? '?'} supporters considered):</strong></p>${reasons(offer)}</article>`)}
      <h2>Deadlines</h2>
      ${kase.deadlines.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${kase.deadlines.map((deadline) => html`<li>${deadline.kind}${deadline.sequence ? ` ${deadline.sequence}` : ''}: ${when(deadline.dueAt)} (${deadline.status})</li>`)}</ul>`}
      <p><a href="/cases">Back to the board</a></p>`;
    renderPage(request, response, { title: `Case ${kase.id.slice(0, 8)}`, body, current: '/cases' });
  }
}
