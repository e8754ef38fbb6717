import { EventValidationError } from '@harbor/messaging';

/**
 * The path of the first string (or key) holding a NUL character, which Postgres text cannot store; such input
 * is refused as invalid (422, or a dead letter) instead of failing later as a server error.
 */
export function findNulCharacter(value: unknown, path = 'body', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (key.includes('\u0000')) return path;
    const found = findNulCharacter(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `body.a.b` → `a.b` (native problem fields name the body's own fields). */
export function withoutRoot(path: string): string {
  return path === 'body' ? 'body' : path.replace(/^body\.?/, '');
}

/** The Kafka side of the same rule: a permanent validation error, so the record dead-letters at once. */
export function rejectNulCharacters(eventType: string, payload: unknown): void {
  const nul = findNulCharacter(payload);
  if (nul) throw new EventValidationError(eventType, [`${withoutRoot(nul)}: must not contain NUL characters`]);
}
