import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { refreshAvailability } from './availability-refresh';
import { UpsertSupporterDto } from './supporter.dto';

@Injectable()
export class UpsertSupporter {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(dto: UpsertSupporterDto): Promise<{ created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const [{ inserted }] = await manager.query(
        `INSERT INTO "matching"."supporters"
           ("id", "clinician_id", "display_name", "profession", "department", "facility", "status", "training_expires_on",
            "max_open_cases", "channels", "program", "languages", "time_zone", "opted_out")
         VALUES ($1, (SELECT "clinician_id" FROM "matching"."clinician_identifiers" WHERE "system" = $2 AND "value" = $3),
                 $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT ("id") DO UPDATE SET "clinician_id" = EXCLUDED."clinician_id", "display_name" = $4, "profession" = $5,
           "department" = $6, "facility" = $7, "status" = $8,
           "training_expires_on" = COALESCE(GREATEST($9::date, "supporters"."training_expires_on"), "supporters"."training_expires_on"),
           "max_open_cases" = GREATEST($10, "supporters"."open_cases"), "channels" = $11, "program" = $12, "languages" = $13,
           "time_zone" = $14, "opted_out" = $15, "updated_at" = now()
         RETURNING (xmax = 0) AS inserted`,
        [dto.id, dto.clinicianIdentifier?.system ?? null, dto.clinicianIdentifier?.value ?? null, dto.displayName, dto.profession,
          dto.department ?? null, dto.facility ?? null, dto.status, dto.trainingExpiresOn ?? null, dto.maxOpenCases, JSON.stringify(dto.channels),
          dto.program, dto.languages, dto.timeZone, dto.optedOut],
      );
      await refreshAvailability(manager, dto.id);
      return { created: inserted };
    });
  }
}
