import { findUnsafeText as findUnsafe } from '@harbor/input';
import { EventValidationError } from '@harbor/contracts';

/**
 * The first string (or key) in a FHIR or native body that Postgres cannot store (@harbor/input's safe-text rule),
 * with its path written the FHIR way (`body.contributor[0].reference`): intake's routes answer it before their
 * body is mapped, so the FHIR route can point at the element.
 */
export function findUnsafeText(value: unknown): { path: string; message: string } | undefined {
  const found = findUnsafe(value);
  if (!found) return undefined;
  const path = found.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  return { path: `body${path}`, message: found.message };
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
