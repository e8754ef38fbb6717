import { EventValidationError } from '@harbor/messaging';
import { textProblem } from '@harbor/input';

/**
 * The first string (or key) in a FHIR or native body that Postgres cannot store (see @harbor/input's safe-text
 * rule), with its path written the FHIR way (`body.contributor[0].reference`): intake's routes answer it before
 * their body is mapped, so the FHIR route can point at the element.
 */
export function findUnsafeText(value: unknown, path = 'body', depth = 0): { path: string; message: string } | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { path, message } : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    const keyMessage = Array.isArray(value) ? undefined : textProblem(key);
    if (keyMessage) return { path, message: `key ${keyMessage}` };
    const found = findUnsafeText(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `body.a.b` → `a.b` (native problem fields name the body's own fields). */
export function withoutRoot(path: string): string {
  return path === 'body' ? 'body' : path.replace(/^body\.?/, '');
}

/** The Kafka side of the same rule: a permanent validation error, so the record dead-letters at once. */
export function rejectUnsafeText(eventType: string, payload: unknown): void {
  const unsafe = findUnsafeText(payload);
  if (unsafe) throw new EventValidationError(eventType, [`${withoutRoot(unsafe.path)}: ${unsafe.message}`]);
}
