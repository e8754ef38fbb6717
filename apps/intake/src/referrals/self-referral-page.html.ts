import { FieldProblem } from '@harbor/input';
import { FormField, FormValues } from './self-referral-form';
import { personPageHeaders } from '@harbor/service-runtime';

/**
 * The public self-referral page: plain server-rendered HTML with one inline style sheet, no script and nothing
 * loaded from anywhere, readable from 320 px up and usable by keyboard and screen reader.
 */
export const PAGE_STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem;line-height:1.2;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
fieldset{border:1px solid #6b7280;border-radius:.5rem;margin:1rem 0;padding:.5rem .75rem .75rem}legend{font-weight:600;padding:0 .25rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}.choice label{display:inline;font-weight:400;margin:0 0 0 .4rem}
.choice{display:flex;align-items:center;margin:.5rem 0;min-height:2.75rem}.choice input{width:1.4rem;height:1.4rem;margin:0}
input[type=text],input[type=tel],input[type=email]{display:block;width:100%;font-size:1rem;padding:.65rem;border:1px solid #4b5563;border-radius:.375rem}
input:focus,button:focus,a:focus{outline:3px solid #1d4ed8;outline-offset:2px}
.hint{color:#374151;font-size:.95rem;margin:.25rem 0}.error{color:#a3141d;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border:2px solid #a3141d}
.summary{border:3px solid #a3141d;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}.summary a{color:#a3141d}
button{display:block;width:100%;font-size:1.1rem;padding:.9rem;margin:1.25rem 0;border:0;border-radius:.5rem;background:#1f6f43;color:#fff;cursor:pointer}
.urgent{background:#fef3c7;border-left:6px solid #92400e;padding:.75rem 1rem;margin:1.5rem 0;border-radius:.25rem}
.urgent a{color:#1a1a1a;font-weight:700;font-size:1.15rem}a{color:#1d4ed8}`;

/** Every response of /refer: nothing cached or framed, no referrer to another site, and a policy that allows only the style above. */
// same-origin, not no-referrer: the anti-forgery check needs the form post's real Origin. Nothing goes to another site either way.
export const SELF_REFERRAL_HEADERS = personPageHeaders(PAGE_STYLE, 'same-origin');

/** What every self-referral page names: the program (INTAKE_PROGRAM_NAME) and the line for urgent need. */
export interface PageBrand {
  programName: string;
  urgentLine: string;
}

export interface FormPage {
  action: string;
  token: string;
  brand: PageBrand;
  values?: FormValues;
  problems?: FieldProblem[];
}

const LABELS: Record<FormField, string> = {
  referredBy: 'Who is this for?',
  staffId: 'Staff ID',
  name: 'Name',
  phone: 'Phone',
  email: 'Email',
  department: 'Unit or department',
};

export function formPageHtml({ action, token, brand, values = {}, problems = [] }: FormPage): string {
  const errorOf = (field: FormField) => problems.find((problem) => problem.field === field)?.message;
  const describedBy = (field: FormField, hint: boolean) => {
    const ids = [hint ? `${field}-hint` : '', errorOf(field) ? `${field}-error` : ''].filter(Boolean).join(' ');
    return ids ? ` aria-describedby="${ids}"` : '';
  };
  const error = (field: FormField) => (errorOf(field) ? `<p class="error" id="${field}-error">${escapeHtml(capitalised(errorOf(field)!))}</p>` : '');
  const input = (field: FormField, type: string, hint: string | undefined, autocomplete: string) => `
      <label for="${field}">${LABELS[field]}</label>${hint ? `<p class="hint" id="${field}-hint">${hint}</p>` : ''}${error(field)}
      <input type="${type}" id="${field}" name="${field}" value="${escapeHtml(values[field] ?? '')}" autocomplete="${autocomplete}"${describedBy(field, !!hint)}${errorOf(field) ? ' aria-invalid="true"' : ''}>`;
  const radio = (value: 'self' | 'colleague', text: string) => `
        <div class="choice"><input type="radio" id="referredBy-${value}" name="referredBy" value="${value}"${values.referredBy === value ? ' checked' : ''}${errorOf('referredBy') ? ' aria-invalid="true"' : ''}><label for="referredBy-${value}">${text}</label></div>`;
  const summary = problems.length
    ? `<div class="summary" role="alert" aria-labelledby="summary-title"><h2 id="summary-title">Please check ${problems.length === 1 ? 'one thing' : `${problems.length} things`}</h2><ul>${problems
        .map((problem) => `<li><a href="#${fieldAnchor(problem.field)}">${escapeHtml(LABELS[problem.field as FormField] ?? problem.field)}: ${escapeHtml(problem.message)}</a></li>`)
        .join('')}</ul></div>`
    : '';
  return page(
    `${problems.length ? 'Please check the form' : 'Talk to a peer'} – ${brand.programName}`,
    `<h1>I would like to talk to a peer</h1>
    <p>Peer support is confidential, voluntary and free: a trained colleague who knows what a hard day in
    healthcare is like. It is not a report, not therapy and not part of any review.</p>${summary}
    <form method="post" action="${escapeHtml(action)}" novalidate>
      <input type="hidden" name="token" value="${escapeHtml(token)}">
      <fieldset${errorOf('referredBy') ? ' aria-describedby="referredBy-error"' : ''}>
        <legend>${LABELS.referredBy}</legend>${error('referredBy')}${radio('self', 'For myself')}${radio('colleague', 'For a colleague')}
      </fieldset>
      <fieldset aria-describedby="reach-hint">
        <legend>Who should we reach?</legend>
        <p class="hint" id="reach-hint">A staff ID is enough. Without one, give a name and a phone number or an email address.</p>${input(
          'staffId', 'text', 'As on the hospital badge. With it we use the contact details the staff directory holds.', 'off',
        )}${input('name', 'text', undefined, 'name')}${input('phone', 'tel', undefined, 'tel')}${input('email', 'email', undefined, 'email')}
      </fieldset>${input('department', 'text', 'Optional. Helps the program choose a suitable supporter.', 'organization-title')}
      <button type="submit">Ask for a peer supporter</button>
    </form>
    <p class="hint">We keep only what is needed to reach the person; no reason or story is asked for or stored.</p>${urgent(brand.urgentLine)}`,
  );
}

/** After a post was taken: the same answer whoever was named and whatever was decided. */
export function thanksPageHtml(brand: PageBrand): string {
  return page(
    `Thank you – ${brand.programName}`,
    `<h1>Thank you. Your request has been received.</h1>
    <h2>What happens next</h2>
    <ol>
      <li>A trained peer supporter will reach out by phone or email as soon as one is available. Program staff
      look at every request.</li>
      <li>The conversation is confidential. Taking part is voluntary: it is fine to say "not now".</li>
      <li>Nobody is told who asked.</li>
    </ol>${urgent(brand.urgentLine)}
    <p><a href="/refer">Send another request</a></p>`,
  );
}

/** A refusal a person sees (forged or stale form, too many posts): what happened and what to do. */
export function noticePageHtml(title: string, detail: string, brand: PageBrand): string {
  return page(`${title} – ${brand.programName}`, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>
    <p><a href="/refer">Open the form again</a></p>${urgent(brand.urgentLine)}`);
}

function urgent(line: string): string {
  return `
    <div class="urgent" role="note" aria-labelledby="urgent-title"><h2 id="urgent-title">Need to talk to someone now?</h2>
    <p>This form is not for emergencies. Call the support line:
    <a href="tel:${escapeHtml(line.replace(/[^0-9+]/g, ''))}">${escapeHtml(line)}</a>. In danger, call your local emergency number.</p></div>`;
}

function fieldAnchor(field: string): string {
  return field === 'referredBy' ? 'referredBy-self' : field;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** The page with the program's name above its content, so a person knows whose page it is. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}
