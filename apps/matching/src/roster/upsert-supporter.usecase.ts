import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UpsertSupporterDto } from './supporter.dto';

@Injectable()
export class UpsertSupporter {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(dto: UpsertSupporterDto): Promise<{ created: boolean }> {
    const [{ inserted }] = await this.dataSource.query(
      `INSERT INTO "matching"."supporters"
         ("id", "clinician_id", "display_name", "profession", "department", "facility", "status", "training_expires_on",
          "max_open_cases", "channels")
       VALUES ($1, (SELECT "clinician_id" FROM "matching"."clinician_identifiers" WHERE "system" = $2 AND "value" = $3),
               $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ("id") DO UPDATE SET "clinician_id" = EXCLUDED."clinician_id", "display_name" = $4, "profession" = $5,
         "department" = $6, "facility" = $7, "status" = $8, "training_expires_on" = $9,
         "max_open_cases" = GREATEST($10, "supporters"."open_cases"), "channels" = $11, "updated_at" = now()
       RETURNING (xmax = 0) AS inserted`,
      [dto.id, dto.clinicianIdentifier?.system ?? null, dto.clinicianIdentifier?.value ?? null, dto.displayName, dto.profession,
        dto.department ?? null, dto.facility ?? null, dto.status, dto.trainingExpiresOn, dto.maxOpenCases, JSON.stringify(dto.channels)],
    );
    return { created: inserted };
  }
}
