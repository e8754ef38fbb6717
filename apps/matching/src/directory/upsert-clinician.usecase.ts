import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UpsertClinicianDto } from './clinician.dto';
import { lockDirectoryForWriting } from './directory-store';

/** Adds or updates a directory entry, keyed by Harbor id or by any of its identifiers. */
@Injectable()
export class UpsertClinician {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(dto: UpsertClinicianDto): Promise<{ id: string; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      await lockDirectoryForWriting(manager);
      const owners: { clinician_id: string }[] = await manager.query(
        `SELECT DISTINCT "clinician_id" FROM "matching"."clinician_identifiers"
         WHERE ("system", "value") IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [dto.identifiers.map((identifier) => identifier.system), dto.identifiers.map((identifier) => identifier.value)],
      );
      const known = new Set(owners.map((owner) => owner.clinician_id));
      if (dto.id) known.add(dto.id);
      if (known.size > 1) throw new ConflictException('The identifiers given belong to different clinicians.');
      const id = [...known][0] ?? randomUUID();
      const [{ inserted }] = await manager.query(
        `INSERT INTO "matching"."clinicians" ("id", "display_name", "profession", "department", "facility", "phone", "email", "opted_out", "languages")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT ("id") DO UPDATE SET "display_name" = $2, "profession" = $3, "department" = $4, "facility" = $5,
           "phone" = $6, "email" = $7, "opted_out" = $8, "languages" = $9, "updated_at" = now()
         RETURNING (xmax = 0) AS inserted`,
        [id, dto.displayName, dto.profession, dto.department ?? null, dto.facility ?? null, dto.phone ?? null, dto.email ?? null, dto.optedOut ?? false, dto.languages ?? []],
      );
      for (const identifier of dto.identifiers) {
        await manager.query(
          `INSERT INTO "matching"."clinician_identifiers" ("system", "value", "clinician_id") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [identifier.system, identifier.value, id],
        );
      }
      return { id, created: inserted };
    });
  }
}
