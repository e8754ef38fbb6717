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
  supporterNamedInEventAt: string | null;
  considered: number | null;
  reasons: { supporterId?: string; rank?: number; chosen?: boolean; reasons?: string[] }[] | null;
}

/** matching's `GET /v1/cases/board`: ids and times only. */
interface CasesBoard {
  awaitingAcknowledgement: { caseId: string; supporterId: string; attempt: number; respondBy: string; waitingSeconds: number; reasons: unknown }[];
  escalated: { caseId: string; status: string; escalationReason: string | null; fallbackResource: string | null; waitingSeconds: number }[];
  followUpsDue: { caseId: string; supporterId: string | null; sequence: number; dueAt: string; overdue: boolean }[];
  supporterNamedInEvent: { caseId: string; supporterId: string; status: string; waitingSeconds: number }[];
}

/**
 * The cases board: who is waiting for an acknowledgement and for how long, what is escalated, which accepted
 * supporter was named in the case's own event, which follow-ups are due, and each offer's reasons. Nothing about
 * the patient, the event or the clinician: no category, harm, place or names, only the case's state and the
 * supporters' ids.
 */
@Controller()
export class CasesController {
  constructor(private readonly api: HarborApi) {}

  @Get('cases')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async board(@Req() request: ConsoleRequest, @Res() response: Response, @Query('program') program?: string): Promise<void> {
    const filter = program ? `?program=${encodeURIComponent(program)}` : '';
    const query = new URLSearchParams({ limit: '50' });
    if (program) query.set('program', program);
    const [board, recent] = await Promise.all([
      this.api.read<CasesBoard>(request, 'matching', `/v1/cases/board${filter}`),
      this.api.read<{ cases: CaseRow[] }>(request, 'matching', `/v1/cases?${query}`),
    ]);
    const link = (caseId: string) => html`<a href="/cases/${caseId}">${caseId.slice(0, 8)}</a>`;
    const table = (headers: string[], rows: Cell[][], empty: string) => (rows.length === 0 ? html`<p class="muted">${empty}</p>` : dataTable(headers, rows));
    const chosen = (reasons: unknown) => {
      const entry = Array.isArray(reasons) ? (reasons as { chosen?: boolean; reasons?: string[] }[]).find((candidate) => candidate.chosen) : undefined;
      return (entry?.reasons ?? []).join(', ');
    };
    const body = html`
      <form method="get" action="/cases" class="row"><div><label for="program">Program</label><input type="text" id="program" name="program" value="${program ?? ''}"></div><div><button type="submit" class="secondary">Show</button></div></form>
      <section aria-labelledby="waiting"><h2 id="waiting">Waiting for acknowledgement (${board.awaitingAcknowledgement.length})</h2>
      ${table(['Case', 'Offered to', 'Offer', 'Waiting for', 'Answer due', 'Why this supporter'], board.awaitingAcknowledgement.map((offer) => [link(offer.caseId), offer.supporterId, offer.attempt, duration(offer.waitingSeconds * 1000), when(offer.respondBy), chosen(offer.reasons)]), 'No case is waiting for a supporter’s answer.')}</section>
      <section aria-labelledby="escalated"><h2 id="escalated">Escalated to the program (${board.escalated.length})</h2>
      ${table(['Case', 'Status', 'Why', 'Resource offered', 'For'], board.escalated.map((kase) => [link(kase.caseId), html`<span class="status">${kase.status}</span>`, kase.escalationReason, kase.fallbackResource, duration(kase.waitingSeconds * 1000)]), 'Nothing is escalated.')}</section>
      <section aria-labelledby="named-in-event"><h2 id="named-in-event">Supporter named in the same event (${board.supporterNamedInEvent.length})</h2>
      ${board.supporterNamedInEvent.length > 0 ? html`<p class="muted">The supporter accepted the case, then the same event named them too. Harbor does not take a case away by itself: talk with the supporter about whether they go on with it.</p>` : ''}
      ${table(['Case', 'Supporter', 'Case status', 'For'], board.supporterNamedInEvent.map((entry) => [link(entry.caseId), entry.supporterId, html`<span class="status">${entry.status}</span>`, duration(entry.waitingSeconds * 1000)]), 'No supporter of an open case is involved in its event.')}</section>
      <section aria-labelledby="followups"><h2 id="followups">Follow-ups due (${board.followUpsDue.length})</h2>
      ${table(['Case', 'Supporter', 'Follow-up', 'Due'], board.followUpsDue.map((due) => [link(due.caseId), due.supporterId, due.sequence, html`${when(due.dueAt)}${due.overdue ? html` <strong>overdue</strong>` : ''}`]), 'No follow-up is due within a day.')}</section>
      <section aria-labelledby="all"><h2 id="all">Recent cases</h2>
      ${table(['Case', 'Status', 'Supporter', 'Offers', 'Opened', 'Last change'], recent.cases.map((kase) => [link(kase.id), html`<span class="status">${kase.status}</span>`, kase.supporterId, kase.offers, when(kase.createdAt), when(kase.updatedAt)]), 'No cases yet.')}</section>`;
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
        ${offer.supporterNamedInEventAt ? html`<p class="notice problem">The same event named this supporter too (${when(offer.supporterNamedInEventAt)}), after they accepted. Talk with them about whether they go on with the case.</p>` : ''}
        <p><strong>Why (of ${offer.considered ?? '?'} supporters considered):</strong></p>${reasons(offer)}</article>`)}
      <h2>Deadlines</h2>
      ${kase.deadlines.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${kase.deadlines.map((deadline) => html`<li>${deadline.kind}${deadline.sequence ? ` ${deadline.sequence}` : ''}: ${when(deadline.dueAt)} (${deadline.status})</li>`)}</ul>`}
      <p><a href="/cases">Back to the board</a></p>`;
    renderPage(request, response, { title: `Case ${kase.id.slice(0, 8)}`, body, current: '/cases' });
  }
}
