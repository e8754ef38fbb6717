import { EntityManager } from 'typeorm';
import { IdentifierV1, identifierSystemAliases } from '@harbor/contracts';
import { ImportPlan } from './import/import-plan';

// The one owner of the directory: `"matching"."clinicians"` and `"matching"."clinician_identifiers"`. Cases read
// a clinician's attributes by joining `clinicians` (CaseStore) and the roster resolves a supporter's own
// identifier (SupporterStore), both read only; every write and every other read is here.

/** A clinician as the directory records them (single upserts and imports write every field). */
export interface ClinicianEntry {
  displayName: string;
  profession: string;
  department?: string;
  facility?: string;
  phone?: string;
  email?: string;
  optedOut?: boolean;
  languages?: string[];
}

/**
 * Rows per statement of a bulk write. Each statement passes one array per column (unnest), so the number of
 * parameters stays fixed; chunks keep each statement's arrays a few hundred kB and let other work interleave.
 */
export const BULK_CHUNK_ROWS = 5000;

/**
 * Identifiers per owner lookup. Postgres answers a lookup by hashing the identifier table whatever the number
 * looked up, so fewer, larger lookups are cheaper (50,000 take about as long as 5,000).
 */
const LOOKUP_CHUNK = 50_000;

/**
 * Serialises writers of the directory (single upserts and imports) for the rest of the transaction. Owners of
 * identifiers are read and then written; without the lock a concurrent writer could claim an identifier in
 * between, and `ON CONFLICT DO NOTHING` would silently leave it with the other clinician. Readers never wait.
 */
export async function lockDirectoryForWriting(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('harbor-matching-directory', 0))`);
}

/** A clinician the directory knows, with the attributes matching a case needs (so opening one reads them once). */
export interface ResolvedClinician {
  clinicianId: string;
  optedOut: boolean;
  department: string | null;
  profession: string | null;
  languages: string[] | null;
}

/**
 * The query for the clinician an identifier names, with whether they opted out and the attributes a case needs; no
 * row when the directory does not know it. The NPI is found under either spelling of its system (the URI
 * `http://hl7.org/fhir/sid/us-npi` or the OID `urn:oid:2.16.840.1.113883.4.6`), the one given first. Its parameters
 * are appended to `params`: opening a case reads it in the statement that takes the clinician's lock (CaseStore).
 */
export function resolveIdentifierSql(identifier: IdentifierV1, params: unknown[]): string {
  const systems = `$${params.push(identifierSystemAliases(identifier.system))}::text[]`;
  const value = `$${params.push(identifier.value)}`;
  return `SELECT i."clinician_id", c."opted_out", c."department", c."profession", c."languages" FROM "matching"."clinician_identifiers" i
     JOIN "matching"."clinicians" c ON c."id" = i."clinician_id" WHERE i."system" = ANY(${systems}) AND i."value" = ${value}
     ORDER BY array_position(${systems}, i."system") LIMIT 1`;
}

/** A row of resolveIdentifierSql as the clinician it names; undefined for no row (or one without a clinician). */
export function toResolvedClinician(row: Record<string, unknown> | undefined): ResolvedClinician | undefined {
  if (!row?.clinician_id) return undefined;
  return {
    clinicianId: row.clinician_id as string,
    optedOut: row.opted_out as boolean,
    department: (row.department as string | null) ?? null,
    profession: (row.profession as string | null) ?? null,
    languages: (row.languages as string[] | null) ?? null,
  };
}

/** The clinician's name and how to reach them (what a supporter who accepted receives); undefined when unknown. */
export async function contactOf(manager: EntityManager, clinicianId: string): Promise<{ displayName: string; phone?: string; email?: string } | undefined> {
  const [row] = await manager.query(`SELECT "display_name", "phone", "email" FROM "matching"."clinicians" WHERE "id" = $1`, [clinicianId]);
  return row && { displayName: row.display_name, phone: row.phone ?? undefined, email: row.email ?? undefined };
}

/** The distinct clinicians that own any of the identifiers. */
export async function ownersOf(manager: EntityManager, identifiers: IdentifierV1[]): Promise<string[]> {
  const rows: { clinician_id: string }[] = await manager.query(
    `SELECT DISTINCT "clinician_id" FROM "matching"."clinician_identifiers"
     WHERE ("system", "value") IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [identifiers.map((identifier) => identifier.system), identifiers.map((identifier) => identifier.value)],
  );
  return rows.map((row) => row.clinician_id);
}

/** Creates or replaces the clinician (every field) and adds the identifiers it does not have yet; true when it was created. */
export async function saveClinician(manager: EntityManager, id: string, clinician: ClinicianEntry, identifiers: IdentifierV1[]): Promise<boolean> {
  const [{ inserted }] = await manager.query(
    `INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "department", "facility", "phone", "email", "opted_out", "languages")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT ("id") DO UPDATE SET "display_name" = $2, "profession" = $3, "department" = $4, "facility" = $5,
       "phone" = $6, "email" = $7, "opted_out" = $8, "languages" = $9, "updated_at" = now()
     RETURNING (xmax = 0) AS inserted`,
    [id, clinician.displayName, clinician.profession, clinician.department ?? null, clinician.facility ?? null, clinician.phone ?? null,
      clinician.email ?? null, clinician.optedOut ?? false, clinician.languages ?? []],
  );
  for (const identifier of identifiers) {
    await manager.query(
      `INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [identifier.system, identifier.value, id],
    );
  }
  return inserted;
}

const chunks = <T>(items: T[], size = BULK_CHUNK_ROWS) => Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/** The clinician that owns each of the identifiers (those in the directory), by `key(identifier)`. */
export async function findIdentifierOwners(
  manager: EntityManager,
  identifiers: { system: string; value: string }[],
  key: (identifier: { system: string; value: string }) => string,
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const chunk of chunks(identifiers, LOOKUP_CHUNK)) {
    const rows: { system: string; value: string; clinician_id: string }[] = await manager.query(
      `SELECT i."system", i."value", i."clinician_id" FROM "matching"."clinician_identifiers" i
       JOIN unnest($1::text[], $2::text[]) AS wanted ("system", "value") USING ("system", "value")`,
      [chunk.map((identifier) => identifier.system), chunk.map((identifier) => identifier.value)],
    );
    for (const row of rows) owners.set(key(row), row.clinician_id);
  }
  return owners;
}

/**
 * Inserts or replaces each planned clinician (every field, as a single upsert does, except that an unknown
 * profession keeps the one the directory holds), then adds its new identifiers.
 */
export async function writeImportPlan(manager: EntityManager, plan: ImportPlan): Promise<void> {
  for (const chunk of chunks(plan.clinicians)) {
    const column = <T>(pick: (clinician: ImportPlan['clinicians'][number]['clinician']) => T) => chunk.map((entry) => pick(entry.clinician));
    await manager.query(
      `INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "department", "facility", "phone", "email", "opted_out", "languages")
       SELECT "id", "display_name", "profession", "department", "facility", "phone", "email", "opted_out", "languages"::text[]
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[])
         AS planned ("id", "display_name", "profession", "department", "facility", "phone", "email", "opted_out", "languages")
       ON CONFLICT ("id") DO UPDATE SET "display_name" = EXCLUDED."display_name",
         "profession" = COALESCE(EXCLUDED."profession", "matching"."clinicians"."profession"),
         "department" = EXCLUDED."department", "facility" = EXCLUDED."facility", "phone" = EXCLUDED."phone", "email" = EXCLUDED."email",
         "opted_out" = EXCLUDED."opted_out", "languages" = EXCLUDED."languages", "updated_at" = now()`,
      [
        chunk.map((entry) => entry.id),
        column((clinician) => clinician.displayName),
        column((clinician) => clinician.profession),
        column((clinician) => clinician.department ?? null),
        column((clinician) => clinician.facility ?? null),
        column((clinician) => clinician.phone ?? null),
        column((clinician) => clinician.email ?? null),
        column((clinician) => clinician.optedOut ?? false),
        // Languages differ in length per row, which one 2-D array cannot hold: each travels as an array literal
        // and is cast back above. Validation allows only lower-case ISO 639 codes, so no quoting is needed.
        column((clinician) => `{${(clinician.languages ?? []).join(',')}}`),
      ],
    );
  }
  for (const chunk of chunks(plan.identifiers)) {
    await manager.query(
      `INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id")
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) ON CONFLICT DO NOTHING`,
      [chunk.map((identifier) => identifier.system), chunk.map((identifier) => identifier.value), chunk.map((identifier) => identifier.clinicianId)],
    );
  }
}
