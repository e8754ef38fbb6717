export type SmsReply =
  | { command: 'yes' | 'no'; code?: string }
  | { command: 'stop' | 'start' | 'help' }
  | { command: 'unknown' };

const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES START', 'OPTIN']);
const HELP_WORDS = new Set(['HELP', 'INFO']);
const YES_WORDS = new Set(['YES', 'Y', 'ACCEPT', 'OK']);
const NO_WORDS = new Set(['NO', 'N', 'DECLINE', 'PASS']);

/**
 * Reads a supporter's SMS reply: "YES 4821", "no 4821", "Yes", "STOP", "HELP". Case, punctuation and extra
 * spaces do not matter; anything else (more words, a five-digit code) is unknown rather than guessed at.
 */
export function parseSmsReply(body: string): SmsReply {
  const words = body.toUpperCase().replace(/[^A-Z0-9 ]/g, ' ').trim().split(/\s+/).filter(Boolean);
  const text = words.join(' ');
  if (STOP_WORDS.has(text)) return { command: 'stop' };
  if (START_WORDS.has(text)) return { command: 'start' };
  if (HELP_WORDS.has(text)) return { command: 'help' };
  if (words.length === 0 || words.length > 2) return { command: 'unknown' };
  const [word, code] = words;
  const command = YES_WORDS.has(word) ? 'yes' : NO_WORDS.has(word) ? 'no' : undefined;
  if (!command) return { command: 'unknown' };
  if (code === undefined) return { command };
  return /^[1-9]\d{3}$/.test(code) ? { command, code } : { command: 'unknown' };
}
