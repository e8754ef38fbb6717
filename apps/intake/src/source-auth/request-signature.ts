import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers a signed request carries (lower-case, as Node gives them). */
export const SIGNATURE_HEADERS = {
  source: 'x-harbor-source',
  timestamp: 'x-harbor-timestamp',
  signature: 'x-harbor-signature',
} as const;

/** The only scheme so far; the prefix lets a stronger one be added beside it without breaking senders. */
const SCHEME = 'v1';

export interface SignedRequestParts {
  /** Unix seconds, as sent in X-Harbor-Timestamp. */
  timestamp: string;
  method: string;
  /** Path and query string exactly as requested (e.g. `/v1/opt-outs?system=…&value=…`). */
  url: string;
  body: Buffer;
}

/**
 * What is signed: timestamp, method and URL on their own lines, then the body's exact bytes. Covering
 * the method and URL stops a signed body being replayed to another route; the timestamp bounds its life.
 */
export function signingInput(parts: SignedRequestParts): Buffer {
  return Buffer.concat([Buffer.from(`${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.url}\n`, 'utf8'), parts.body]);
}

/** The X-Harbor-Signature value a source system sends: `v1=<hex HMAC-SHA256(secret, signingInput)>`. */
export function signRequest(secret: string, parts: SignedRequestParts): string {
  return `${SCHEME}=${createHmac('sha256', secret).update(signingInput(parts)).digest('hex')}`;
}

export type SignatureCheck = { valid: true } | { valid: false; problem: string };

export interface SignatureCheckInput extends SignedRequestParts {
  signature: string;
  /** Every secret the source system holds (more than one while a secret is being rotated). */
  secrets: string[];
  nowSeconds: number;
  toleranceSeconds: number;
}

/** Whether a signed request is fresh and signed with one of the source's secrets; says why when it is not. */
export function checkSignature(input: SignatureCheckInput): SignatureCheck {
  if (!/^\d{1,12}$/.test(input.timestamp)) return { valid: false, problem: 'X-Harbor-Timestamp must be the signing time in Unix seconds' };
  const skew = Math.abs(input.nowSeconds - Number(input.timestamp));
  if (skew > input.toleranceSeconds) {
    return { valid: false, problem: `X-Harbor-Timestamp is ${skew} s from the server's clock; at most ${input.toleranceSeconds} s is accepted` };
  }
  const offered = parseSignatures(input.signature);
  if (offered.length === 0) return { valid: false, problem: `X-Harbor-Signature must be ${SCHEME}=<hex HMAC-SHA256>` };
  const matches = input.secrets.some((secret) => {
    const expected = Buffer.from(signRequest(secret, input).slice(SCHEME.length + 1), 'hex');
    return offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
  return matches ? { valid: true } : { valid: false, problem: 'X-Harbor-Signature does not match the request' };
}

/** `v1=<hex>`, possibly several comma-separated (a sender rotating its secret may sign with both). */
function parseSignatures(header: string): Buffer[] {
  return header
    .split(',')
    .map((part) => part.trim().split('='))
    .filter(([scheme, hex]) => scheme === SCHEME && /^[0-9a-f]{64}$/i.test(hex ?? ''))
    .map(([, hex]) => Buffer.from(hex, 'hex'));
}
