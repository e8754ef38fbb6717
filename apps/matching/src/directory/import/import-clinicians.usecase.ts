import { ConflictException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldProblem, fieldProblems } from '@harbor/config';
import { dottedPath, findUnsafeText } from '@harbor/input';
import { UpsertClinicianDto } from '../clinician.dto';
import { UpsertClinician } from '../upsert-clinician.usecase';
import { SourceRow } from './clinician-sources';

export interface ImportReport {
  created: number;
  updated: number;
  failed: { row: number; errors: FieldProblem[] }[];
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
      const problems = fieldProblems(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      // The input rule every request body passes (the pipe does not see imported rows).
      const unsafe = problems.length === 0 ? findUnsafeText(dto) : undefined;
      if (unsafe) problems.push({ field: dottedPath(unsafe.path, 'row'), message: unsafe.message });
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
