/**
 * What a page says. It can only ever contain the reply code and the link: the renderer takes nothing
 * else, so no clinician name, event detail or patient information can reach a phone's lock screen.
 */
export interface PageVariables {
  replyCode: string;
  link: string;
}

export const DEFAULT_PAGE_TEMPLATE =
  'Harbor: a colleague may benefit from peer support. Reply YES {code} to accept or NO {code} to pass, or open {link}';

export function renderPage(template: string, variables: PageVariables): string {
  // One pass with a replacer function: values are inserted literally (a string replacement would expand
  // `$&`, `$\`` and `$'` in a link into template text) and are never themselves scanned for placeholders.
  return template.replace(/\{(code|link)\}/g, (_match, name: string) => (name === 'code' ? variables.replyCode : variables.link));
}

/** Four digits, not starting with 0 so it survives being typed as a number. */
export function newReplyCode(random: () => number = Math.random): string {
  return String(1000 + Math.floor(random() * 9000));
}

/** Reminders and escalations carry no variables at all: nothing about the case can reach a lock screen. */
export const STAFF_PAGE_TEXT = {
  'follow-up-reminder': 'Harbor: a reminder to check in with the colleague you are supporting.',
  'coordinator-escalation': 'Harbor: a peer-support request needs a coordinator. Please open the Harbor program console.',
  'training-reminder': 'Harbor: a peer supporter\'s training expires soon. Please open the Harbor program console to renew it.',
  'group-debrief-offer': 'Harbor: one event involved several colleagues of one unit. Please offer the unit a group debrief; details in the Harbor program console.',
} as const;

/**
 * A group-debrief offer to the program coordinator: the fixed text naming the unit, the one thing the page
 * says about it (never the event, the patient or the colleagues). Without a unit, the fixed text alone.
 */
export function groupDebriefOfferText(unit: string | undefined): string {
  return unit
    ? `Harbor: one event involved several colleagues of unit "${unit}". Please offer the unit a group debrief; details in the Harbor program console.`
    : STAFF_PAGE_TEXT['group-debrief-offer'];
}

/** A follow-up reminder to the supporter who accepted: the fixed text and, when the offer is known here, its encounter link. */
export function followUpReminderText(encounterLink: string | undefined): string {
  const text = STAFF_PAGE_TEXT['follow-up-reminder'];
  return encounterLink ? `${text} Guide and record: ${encounterLink}` : text;
}
