import { ContactView, escapeHtml } from '../acknowledgements/offer-page.html';
import { EncounterContent } from './encounter-content';
import { availableActions, EncounterAction, EncounterProgress } from './encounter-progress';
import { personPageHeaders } from '@harbor/service-runtime';

/** The contact section: the released contact (bound browser only), a wait, or where it is shown instead. */
export type ContactSection =
  | { kind: 'shown'; contact: ContactView }
  | { kind: 'waiting' }
  | { kind: 'elsewhere' };

export interface EncounterPageView {
  action: string;
  contact: ContactSection;
  content: EncounterContent;
  progress: EncounterProgress;
}

const ACTION_LABELS: Record<EncounterAction, string> = {
  'contact-made': 'I reached my colleague',
  declined: 'My colleague declined support',
  'follow-up': 'I did a follow-up conversation',
  close: 'Close the case',
};

/**
 * The encounter page: contact (bound browser only), the program's conversation guide and resources, what has
 * been recorded, and the actions valid now. Structured choices only: there is no field to type into.
 */
export function encounterPageHtml(view: EncounterPageView): string {
  const { content, progress } = view;
  const actions = availableActions(progress);
  const resources = content.resources.map((resource) => {
    const phone = resource.phone ? ` <a href="tel:${escapeHtml(resource.phone.replace(/[^+0-9]/g, ''))}">${escapeHtml(resource.phone)}</a>` : '';
    const url = resource.url ? ` <a href="${escapeHtml(resource.url)}" rel="noopener noreferrer">website<span class="visually-hidden"> of ${escapeHtml(resource.label)}</span></a>` : '';
    return `<li>${escapeHtml(resource.label)}${phone}${url}</li>`;
  }).join('');
  const form = actions.length === 0 ? '' : `
    <section aria-labelledby="record">
      <h2 id="record">Record the encounter</h2>
      <p>Choose what happened. Nothing you could type is stored: there are only these choices.</p>
      <form method="post" action="${escapeHtml(view.action)}">
        ${content.resources.length > 0 ? `<fieldset><legend>Resources you offered</legend>${content.resources.map((resource, index) => `
          <div class="choice"><input type="checkbox" id="resource-${index}" name="resource" value="${escapeHtml(resource.kind)}"${progress.referrals.includes(resource.kind) ? ' checked' : ''}>
          <label for="resource-${index}">${escapeHtml(resource.label)}</label></div>`).join('')}
        </fieldset>` : ''}
        <fieldset><legend>Time off</legend>
          <div class="choice"><input type="checkbox" id="time-off" name="timeOff" value="yes"${progress.timeOffSuggested ? ' checked' : ''}>
          <label for="time-off">I suggested time off</label></div>
        </fieldset>
        <fieldset><legend>What happened</legend>
          ${actions.map((action, index) => `<button type="submit" name="action" value="${action}" class="${index === 0 ? 'accept' : 'secondary'}">${ACTION_LABELS[action]}</button>`).join('\n          ')}
        </fieldset>
      </form>
    </section>`;
  return encounterPage(`
    <h1>Supporting your colleague</h1>
    ${contactHtml(view.contact)}
    <section aria-labelledby="guide">
      <h2 id="guide">Conversation guide</h2>
      <ol>${content.guide.map((prompt) => `<li>${escapeHtml(prompt)}</li>`).join('')}</ol>
      <p>Listen; do not solve, judge or review. Please keep no notes.</p>
    </section>
    <section aria-labelledby="resources">
      <h2 id="resources">Resources to offer</h2>
      <ul>${resources}</ul>
    </section>
    <section aria-labelledby="progress">
      <h2 id="progress">Recorded so far</h2>
      ${progressHtml(progress)}
    </section>${form}`);
}

/** Everything closed (by the supporter or by the program): thanks, nothing more. */
export function encounterClosedHtml(): string {
  return encounterPage(`<h1>This case is closed</h1><p>Thank you for supporting your colleague. You can close this page.</p>`);
}

export function encounterNoticeHtml(title: string): string {
  return encounterPage(`<h1>${escapeHtml(title)}</h1><p>You can close this page.</p>`);
}

function contactHtml(section: ContactSection): string {
  let body: string;
  switch (section.kind) {
    case 'shown': {
      const { contact } = section;
      const phone = contact.phone ? `<p>Phone: <a href="tel:${escapeHtml(contact.phone)}">${escapeHtml(contact.phone)}</a></p>` : '';
      const email = contact.email ? `<p>Email: <a href="mailto:${escapeHtml(contact.email)}">${escapeHtml(contact.email)}</a></p>` : '';
      body = `<p class="contact"><strong>${escapeHtml(contact.displayName)}</strong></p>${phone}${email}`;
      break;
    }
    case 'waiting':
      body = '<p>The contact details are on their way, or were deleted after the time they are kept. Reload this page in a minute.</p>';
      break;
    case 'elsewhere':
      body = '<p>The contact details are shown only on the device that accepted the request. The guide, the resources and the record work on any device with this link.</p>';
  }
  return `<section aria-labelledby="contact"><h2 id="contact">How to reach your colleague</h2>${body}</section>`;
}

function progressHtml(progress: EncounterProgress): string {
  const lines: string[] = [];
  if (progress.contactMade) lines.push('You reached your colleague.');
  if (progress.supportDeclined) lines.push('Your colleague declined support. Thank you for offering it.');
  if (progress.referrals.length > 0) lines.push(`Resources offered: ${progress.referrals.length}.`);
  if (progress.timeOffSuggested) lines.push('You suggested time off.');
  if (progress.followUpsDone > 0) lines.push(`Follow-up conversations: ${progress.followUpsDone}.`);
  if (progress.closed) lines.push('The case is closed.');
  if (lines.length === 0) return '<p>Nothing yet.</p>';
  return `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
}

/** The encounter page's only style sheet: mobile first, large targets, a visible focus ring. */
export const ENCOUNTER_STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;line-height:1.5;color:#111;background:#fff}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}ol,ul{padding-left:1.25rem}li{margin:.35rem 0}
a{color:#0b4f8a;overflow-wrap:anywhere}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #b45309;outline-offset:2px}
fieldset{border:1px solid #9ca3af;border-radius:.5rem;margin:1rem 0;padding:.5rem .75rem}legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;align-items:flex-start;gap:.6rem;padding:.4rem 0}.choice input{width:1.5rem;height:1.5rem;margin:0;flex:none}
button,.button{display:block;box-sizing:border-box;text-align:center;text-decoration:none;width:100%;padding:1rem;margin:.75rem 0;font:inherit;
font-size:1.1rem;border-radius:.5rem;border:2px solid transparent;background:#e5e7eb;color:#111;cursor:pointer}
.accept{background:#1f6f43;color:#fff}.secondary{background:#fff;border-color:#374151}.contact{font-size:1.25rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;

/** The headers of every page a person sees, with a policy that allows exactly the encounter page's style. */
export const ENCOUNTER_PAGE_HEADERS = personPageHeaders(ENCOUNTER_STYLE);

function encounterPage(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Harbor peer support: your encounter</title>
<style>${ENCOUNTER_STYLE}</style></head><body><main>${body}</main></body></html>`;
}
