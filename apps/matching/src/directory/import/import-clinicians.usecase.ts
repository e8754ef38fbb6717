import { ConflictException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { UpsertClinicianDto } from '../clinician.dto';
import { UpsertClinician } from '../upsert-clinician.usecase';
import { SourceRow } from './clinician-sources';

export interface ImportReport {
  created: number;
  updated: number;
  failed: { row: number; errors: { field: string; message: string }[] }[];
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => ({ field: `${prefix}${error.property}`, message })),
    ...flatten(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

/**
 * Upserts clinicians from a bulk source row by row, with the same validation and identifier rules as the
 * single upsert. A bad row is reported (row number, field, message; never its values) and does not stop
 * the others.
 */
@Injectable()
export class ImportClinicians {
  constructor(private readonly upsertClinician: UpsertClinician) {}

  async execute(rows: SourceRow[]): Promise<ImportReport> {
    const report: ImportReport = { created: 0, updated: 0, failed: [] };
    for (const { row, clinician, error } of rows) {
      if (error || !clinician) {
        report.failed.push({ row, errors: [{ field: 'row', message: error ?? 'empty' }] });
        continue;
      }
      const dto = plainToInstance(UpsertClinicianDto, clinician);
      const problems = flatten(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (problems.length > 0) {
        report.failed.push({ row, errors: problems });
        continue;
      }
      try {
        const result = await this.upsertClinician.execute(dto);
        if (result.created) report.created++;
        else report.updated++;
      } catch (caught) {
        if (!(caught instanceof ConflictException)) throw caught;
        report.failed.push({ row, errors: [{ field: 'identifiers', message: 'the identifiers belong to different clinicians' }] });
      }
    }
    return report;
  }
}
