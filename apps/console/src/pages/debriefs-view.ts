import { ATTENDANCE_BANDS, AttendanceBand, GroupDebriefStatus } from '@harbor/contracts';
import { when } from './format';
import { field, FormBody } from './forms';
import { html, Html } from './html';
import { csrfField } from './layout';
import { dataTable } from './table';

/** A group debrief as matching's `GET /v1/debriefs` gives it: the unit and counts, never a clinician. */
export interface DebriefView {
  id: string;
  unit: string;
  program: string;
  facility: string;
  clinicians: number;
  status: GroupDebriefStatus;
  attendanceBand: AttendanceBand | null;
  coordinatorsPaged: number;
  offeredAt: string;
  closedAt: string | null;
}

/** One group-debrief-offer page from notification's `GET /v1/staff-pages` (program staff ids, no addresses). */
export interface DebriefPageView {
  caseId: string | null;
  recipientId: string;
  status: string;
}

const PAGE_STATUS: Record<string, string> = { sent: 'delivered', pending: 'being retried', failed: 'failed: call them', cancelled: 'cancelled' };

/**
 * The outcome form → matching's `POST /v1/debriefs/:id/outcome`. Only the structured choices are passed on, and
 * only as given: held without a band (or an unknown value) goes to matching as it is, so its 422 names the field.
 */
export function debriefOutcomeFromForm(body: FormBody): { outcome: string; attendanceBand?: string } {
  const outcome = field(body, 'outcome') ?? '';
  const band = field(body, 'attendanceBand');
  return outcome === 'held' && band !== undefined ? { outcome, attendanceBand: band } : { outcome };
}

/** A refused outcome in words the coordinator can act on; the service's own words follow. */
export function debriefOutcomeProblem(status: number, problem: string): string {
  if (status === 409) return `This debrief already has its outcome (someone recorded it meanwhile); nothing was changed. ${problem}`;
  if (status === 404) return `There is no such group debrief. ${problem}`;
  if (status === 422 || status === 400) return `The outcome was not recorded: ${problem}`;
  return `The outcome was not recorded (matching answered ${status}). ${problem}`;
}

function whoWasPaged(debrief: DebriefView, pages: DebriefPageView[] | undefined): Html | string {
  if (pages === undefined) return `${debrief.coordinatorsPaged} (delivery status unavailable)`;
  const own = pages.filter((page) => page.caseId === debrief.id);
  if (own.length === 0) return debrief.coordinatorsPaged === 0 ? 'nobody: no coordinator, director or administrator on the program’s staff list' : String(debrief.coordinatorsPaged);
  return html`${own.map((page, index) => html`${index > 0 ? ', ' : ''}${page.recipientId} (${PAGE_STATUS[page.status] ?? page.status})`)}`;
}

function outcomeForm(debrief: DebriefView, index: number, csrf: string): Html {
  const action = `/debriefs/${debrief.id}/outcome`;
  return html`<form method="post" action="${action}">${csrfField(csrf)}<input type="hidden" name="outcome" value="held"><fieldset><legend>Held: how many attended</legend>
      ${ATTENDANCE_BANDS.map((band, bandIndex) => html`<div class="choice"><input type="radio" id="band-${index}-${bandIndex}" name="attendanceBand" value="${band}" required><label for="band-${index}-${bandIndex}">${band}</label></div>`)}
    </fieldset><button type="submit">Record held</button></form>
    <form method="post" action="${action}">${csrfField(csrf)}<input type="hidden" name="outcome" value="declined"><button type="submit" class="secondary">Record declined</button></form>`;
}

/**
 * The group debriefs page: open ones with who was paged and a structured outcome form each; closed ones with
 * their outcome. Units, programs, times and counts only: matching holds no clinician for a debrief.
 */
export function debriefsBody(input: { open: DebriefView[]; closed: DebriefView[]; pages?: DebriefPageView[]; program?: string; csrf: string }): Html {
  const { open, closed, pages, program, csrf } = input;
  const filter = html`<form method="get" action="/debriefs" class="row"><div><label for="program">Program (empty: all)</label><input type="text" id="program" name="program" value="${program ?? ''}"></div><div><button type="submit" class="secondary">Show</button></div></form>`;
  const openList = open.length === 0
    ? html`<p class="muted">No group debrief is waiting for its outcome.</p>`
    : html`${open.map((debrief, index) => html`<section class="debrief offer" id="debrief-${debrief.id}" aria-labelledby="debrief-${index}"><h3 id="debrief-${index}">Unit ${debrief.unit}</h3>
        <dl class="facts"><dt>Program</dt><dd>${debrief.program}</dd><dt>Facility</dt><dd>${debrief.facility}</dd><dt>Colleagues named</dt><dd>${debrief.clinicians}</dd>
        <dt>Offered</dt><dd>${when(debrief.offeredAt)}</dd><dt>Paged</dt><dd>${whoWasPaged(debrief, pages)}</dd></dl>
        ${outcomeForm(debrief, index, csrf)}</section>`)}`;
  const closedList = closed.length === 0
    ? html`<p class="muted">No group debrief has been closed yet.</p>`
    : dataTable(['Unit', 'Program', 'Facility', 'Offered', 'Outcome', 'Recorded'], closed.map((debrief) => [
      debrief.unit, debrief.program, debrief.facility, when(debrief.offeredAt),
      html`<span class="status" id="outcome-${debrief.id}">${debrief.status === 'held' ? `held, ${debrief.attendanceBand ?? '?'} attended` : debrief.status}</span>`,
      when(debrief.closedAt),
    ]));
  return html`<p>When one event names several colleagues of one unit, the unit’s coordinator is offered a group debrief. Record how it ended: held (how many attended, as a band) or declined.</p>
    ${filter}<h2 id="open">Open (${open.length})</h2>${openList}<h2 id="closed">Closed (${closed.length})</h2>${closedList}`;
}
