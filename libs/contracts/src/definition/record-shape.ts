/**
 * What of a record an inbound event's dead letter may keep: `'text'` a string, number or boolean (strings cut to
 * 200 characters), `[shape]` a list of that shape (or a single such value, as FHIR allows; at most 50 items),
 * `{ field: shape }` only the fields named, or a function for a rule of its own. Anything else is dropped.
 */
export type RecordShape = 'text' | readonly [RecordShape] | { readonly [field: string]: RecordShape } | ((value: unknown) => unknown);

const MAX_TEXT = 200;
const MAX_ITEMS = 50;

/** The parts of `value` the shape names; `undefined` when nothing of it fits. */
export function keepShape(value: unknown, shape: RecordShape): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof shape === 'function') return shape(value);
  if (shape === 'text') {
    if (typeof value === 'string') return value.slice(0, MAX_TEXT);
    return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
  }
  if (Array.isArray(shape)) {
    // Items keep their positions (null where nothing fits), so a reason naming `list.3.field` still points right.
    return Array.isArray(value) ? value.slice(0, MAX_ITEMS).map((item) => keepShape(item, shape[0]) ?? null) : keepShape(value, shape[0]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(shape as Record<string, RecordShape>)) {
    if (!Object.prototype.hasOwnProperty.call(value, field)) continue;
    const part = keepShape((value as Record<string, unknown>)[field], inner);
    if (part !== undefined) kept[field] = part;
  }
  return kept;
}
