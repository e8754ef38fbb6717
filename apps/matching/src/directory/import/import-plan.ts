import { ImportedClinician } from './clinician-sources';

/** A row that passed validation, with its 1-based number in the source. */
export interface ValidRow {
  row: number;
  clinician: ImportedClinician;
}

/** What one import writes: each clinician once (with its last row's values) and each identifier new to the directory. */
export interface ImportPlan {
  clinicians: { id: string; clinician: ImportedClinician }[];
  identifiers: { system: string; value: string; clinicianId: string }[];
  created: number;
  updated: number;
  /** Rows whose identifiers belong to more than one clinician (counting the rows before them). */
  conflicts: number[];
  /** What each accepted row did, in row order: the console's row-by-row import report. */
  outcomes: RowOutcome[];
}

/** One imported row: whether it created a clinician or updated one (an earlier row's, or the directory's). */
export interface RowOutcome {
  row: number;
  outcome: 'created' | 'updated';
  clinicianId: string;
}

/**
 * Map key of an identifier. NUL cannot occur in either part (Postgres text cannot hold it and the import
 * refuses rows that contain it), so no system can run into its value.
 */
export const identifierKey = (identifier: { system: string; value: string }) => `${identifier.system}\u0000${identifier.value}`;

/**
 * Works out in memory what upserting the rows one after another would do: a row updates the clinician that
 * owns any of its identifiers (including one created by an earlier row of the same file), creates one when
 * none does, and is refused when they belong to different clinicians. Its identifiers then all belong to
 * that clinician. `owners` holds the directory's current owner of every identifier the rows name. A row whose
 * profession is unknown (null) keeps the profession an earlier row gave (and the directory keeps the one it holds).
 */
export function planImport(rows: Iterable<ValidRow>, owners: ReadonlyMap<string, string>, newId: () => string): ImportPlan {
  const ownerOf = new Map(owners);
  const existing = new Set(owners.values());
  const latest = new Map<string, ImportedClinician>();
  const identifiers: ImportPlan['identifiers'] = [];
  const plan: ImportPlan = { clinicians: [], identifiers, created: 0, updated: 0, conflicts: [], outcomes: [] };
  for (const { row, clinician } of rows) {
    const keys = clinician.identifiers.map(identifierKey);
    const known = new Set(keys.map((key) => ownerOf.get(key)).filter((id): id is string => id !== undefined));
    if (known.size > 1) {
      plan.conflicts.push(row);
      continue;
    }
    const id = known.size === 1 ? [...known][0] : newId();
    const outcome = existing.has(id) || latest.has(id) ? 'updated' : 'created';
    plan[outcome]++;
    plan.outcomes.push({ row, outcome, clinicianId: id });
    // A row that does not know the profession (null) keeps the one an earlier row of the file gave.
    const earlier = latest.get(id);
    latest.set(id, clinician.profession === null && earlier?.profession ? { ...clinician, profession: earlier.profession } : clinician);
    clinician.identifiers.forEach((identifier, index) => {
      if (ownerOf.has(keys[index])) return;
      ownerOf.set(keys[index], id);
      identifiers.push({ system: identifier.system, value: identifier.value, clinicianId: id });
    });
  }
  plan.clinicians = [...latest].map(([id, clinician]) => ({ id, clinician }));
  return plan;
}
