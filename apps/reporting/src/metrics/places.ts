import { DimensionNode } from '../disclosure/cross-table';

/**
 * A row of a release. Kept structured (level, facility, department) all the way through, so two different
 * places can never share a node id, whatever text a source system sent.
 */
export type Place =
  | { level: 'all' }
  | { level: 'facility'; facility: string }
  | { level: 'department'; facility: string; department: string };

export type PlaceLevel = Place['level'];
export const PLACE_LEVELS: PlaceLevel[] = ['department', 'facility', 'all'];

/** Published for a facility or department that is not in the configured vocabulary. */
export const OTHER_PLACE = 'other';
/** Published when the event named no department. */
export const UNSPECIFIED_DEPARTMENT = 'unspecified';

/**
 * A vocabulary id: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit (so no ":" or "/",
 * which keep labels unambiguous, and no leading formula character), and none of the reserved words.
 */
export const PLACE_ID_PATTERN = /^(?!(?:all|other|unspecified)$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/i;
export const PLACE_ID_RULE = 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, and not all, other or unspecified';

/**
 * The facilities and departments reporting may name (REPORTING_FACILITIES, REPORTING_DEPARTMENTS). Free text
 * from source systems never becomes a label: a value outside the vocabulary is published as "other".
 * Matching ignores case and surrounding spaces; the configured spelling is what is published.
 */
export class PlaceVocabulary {
  private readonly facilities: Map<string, string>;
  private readonly departments: Map<string, string>;

  constructor(facilities: readonly string[] = [], departments: readonly string[] = []) {
    for (const id of [...facilities, ...departments]) if (!PLACE_ID_PATTERN.test(id)) throw new RangeError(`a place id ${PLACE_ID_RULE}`);
    this.facilities = new Map(facilities.map((id) => [id.toLowerCase(), id]));
    this.departments = new Map(departments.map((id) => [id.toLowerCase(), id]));
  }

  facility(raw: string | null): string {
    return this.facilities.get((raw ?? '').trim().toLowerCase()) ?? OTHER_PLACE;
  }

  department(raw: string | null): string {
    const text = (raw ?? '').trim();
    if (text === '') return UNSPECIFIED_DEPARTMENT;
    return this.departments.get(text.toLowerCase()) ?? OTHER_PLACE;
  }

  /** True for a configured facility id (any case) and for "other": what a facility filter may ask for. */
  knowsFacility(id: string): boolean {
    return id.toLowerCase() === OTHER_PLACE || this.facilities.has(id.toLowerCase());
  }

  /** The published spelling of a facility a filter asked for. */
  facilityId(id: string): string {
    return id.toLowerCase() === OTHER_PLACE ? OTHER_PLACE : (this.facilities.get(id.toLowerCase()) ?? OTHER_PLACE);
  }
}

/** The places one case counts in: all, its facility, its department, each mapped through the vocabulary. */
export function placesOf(facility: string | null, department: string | null, vocabulary: PlaceVocabulary): Place[] {
  const f = vocabulary.facility(facility);
  return [{ level: 'all' }, { level: 'facility', facility: f }, { level: 'department', facility: f, department: vocabulary.department(department) }];
}

/** The node id of a place: JSON of its parts, an injective encoding (no joined strings that two places could share). */
export function placeKey(place: Place): string {
  switch (place.level) {
    case 'all':
      return '["all"]';
    case 'facility':
      return JSON.stringify(['facility', place.facility]);
    case 'department':
      return JSON.stringify(['department', place.facility, place.department]);
  }
}

/** The published label (`all`, `facility:<f>`, `department:<f>/<d>`), unambiguous because ids contain no ":" or "/". */
export function placeLabel(place: Place): string {
  switch (place.level) {
    case 'all':
      return 'all';
    case 'facility':
      return `facility:${place.facility}`;
    case 'department':
      return `department:${place.facility}/${place.department}`;
  }
}

/** All places → facilities → departments, as a dimension hierarchy keyed by `placeKey`. */
export function placeHierarchy(places: Place[][]): DimensionNode {
  const departments = new Map<string, Map<string, Place>>();
  for (const [, facility, department] of places) {
    if (facility.level !== 'facility') continue;
    if (!departments.has(facility.facility)) departments.set(facility.facility, new Map());
    departments.get(facility.facility)!.set(placeKey(department), department);
  }
  const facilities = [...departments.keys()].sort();
  return {
    id: placeKey({ level: 'all' }),
    partitions:
      facilities.length === 0
        ? undefined
        : [
            facilities.map((facility) => ({
              id: placeKey({ level: 'facility', facility }),
              partitions: [[...departments.get(facility)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id]) => ({ id }))],
            })),
          ],
  };
}
