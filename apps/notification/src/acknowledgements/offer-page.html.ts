/** The small mobile page behind a page's link. Before accepting it says no more than the page itself did. */
export function offerPageHtml(action: string): string {
  return page(`
    <h1>A colleague may benefit from peer support</h1>
    <p>You are being asked because you are a trained peer supporter on call. If you accept, you will see how to
    reach your colleague.</p>
    <form method="post" action="${escapeHtml(action)}">
      <button name="decision" value="accept" class="accept">Accept</button>
      <button name="decision" value="decline" class="decline">Not now</button>
    </form>`);
}

/** An accepted offer not yet shown on any device, opened through a claim link: one tap binds this browser. */
export function claimPageHtml(action: string): string {
  return page(`
    <h1>Thank you for accepting</h1>
    <p>Show how to reach your colleague on this device. The details are shown on one device only: once you
    continue, this link shows nothing anywhere else.</p>
    <form method="post" action="${escapeHtml(action)}">
      <button name="decision" value="claim" class="accept">Show contact details on this device</button>
    </form>`);
}

/** Anyone else holding the link of an accepted offer: no name, no contact, no hint of who accepted. */
export function shownElsewhereHtml(): string {
  return page(`<h1>This request has been accepted</h1>
    <p>The contact details are shown only on the device that accepted it (after an acceptance by SMS: the device
    that first opened the link in our SMS answer). If that was you and you can no longer use that device or
    browser, please contact your peer support program office.</p>`);
}

export function answeredPageHtml(message: string): string {
  return page(`<h1>${escapeHtml(message)}</h1><p>You can close this page.</p>`);
}

export interface ContactView {
  displayName: string;
  phone?: string | null;
  email?: string | null;
}

/**
 * After accepting: who to reach and how (minimum necessary), or a "refresh shortly" state until it arrives; then
 * the way to the encounter page (guide, resources, record).
 */
export function acceptedPageHtml(contact: ContactView | undefined, encounterPath?: string): string {
  const encounter = encounterPath
    ? `<p>Then use the conversation guide and record the encounter (bookmark it; it also comes with each follow-up reminder):</p>
    <a class="button accept" href="${escapeHtml(encounterPath)}">Conversation guide and record</a>`
    : '';
  if (!contact) {
    return page(`<h1>Thank you for accepting</h1>
      <p class="waiting">Your colleague's contact details are on their way. Refresh this page in a minute.</p>
      <a class="button" href="">Refresh</a>${encounter}`);
  }
  const phone = contact.phone ? `<p>Phone: <a href="tel:${escapeHtml(contact.phone)}">${escapeHtml(contact.phone)}</a></p>` : '';
  const email = contact.email ? `<p>Email: <a href="mailto:${escapeHtml(contact.email)}">${escapeHtml(contact.email)}</a></p>` : '';
  return page(`<h1>Thank you for accepting</h1>
    <p>Please reach out to:</p>
    <p class="contact"><strong>${escapeHtml(contact.displayName)}</strong></p>${phone}${email}
    <p>Please keep no notes. These details are deleted when the case closes.</p>${encounter}`);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** The pages' only style sheet; the content security policy allows exactly this text (by its hash). */
export const PAGE_STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
button,.button{display:block;box-sizing:border-box;text-align:center;text-decoration:none;color:inherit;width:100%;padding:1rem;
margin:.75rem 0;font-size:1.1rem;border-radius:.5rem;border:0;background:#e5e7eb}
.accept{background:#1f6f43;color:#fff}.decline{background:#e5e7eb}.contact{font-size:1.25rem}`;

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Harbor peer support</title>
<style>${PAGE_STYLE}</style></head><body>${body}</body></html>`;
}
