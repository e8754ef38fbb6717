import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { FieldProblem, fieldProblems } from '@harbor/config';
import { UpsertClinicianDto } from '../clinician.dto';
import { findIdentifierOwners, lockDirectoryForWriting, writeImportPlan } from '../directory-store';
import { ImportedClinician, SourceRow } from './clinician-sources';
import { identifierKey, ImportPlan, planImport, ValidRow } from './import-plan';

export interface ImportReport {
  created: number;
  updated: number;
  failed: { row: number; errors: FieldProblem[] }[];
}

/**
 * Upserts clinicians from a bulk source with the same validation and identifier rules as the single upsert,
 * and the same result as upserting the rows one after another. Rows are validated as they are read; then, in
 * one transaction, the owners of every identifier named are read in bulk, the outcome of each row is worked
 * out in memory and written with a few multi-row statements. A bad row is reported (row number, field,
 * message; never its values) and does not stop the others; a failure of the source or of the database
 * leaves the directory as it was.
 */
@Injectable()
export class ImportClinicians {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(rows: AsyncIterable<SourceRow> | Iterable<SourceRow>): Promise<ImportReport> {
    const failed: ImportReport['failed'] = [];
    const valid: ValidRow[] = [];
    for await (const { row, clinician, error } of rows) {
      if (error || !clinician) {
        failed.push({ row, errors: [{ field: 'row', message: error ?? 'empty' }] });
        continue;
      }
      const problems = problemsOf(clinician);
      if (problems.length > 0) failed.push({ row, errors: problems });
      else valid.push({ row, clinician });
    }
    const plan = valid.length > 0 ? await this.write(valid) : undefined;
    for (const row of plan?.conflicts ?? []) failed.push({ row, errors: [{ field: 'identifiers', message: 'the identifiers belong to different clinicians' }] });
    return { created: plan?.created ?? 0, updated: plan?.updated ?? 0, failed: failed.sort((a, b) => a.row - b.row) };
  }

  private write(valid: ValidRow[]): Promise<ImportPlan> {
    return this.dataSource.transaction(async (manager) => {
      await lockDirectoryForWriting(manager);
      const named = new Map(valid.flatMap(({ clinician }) => clinician.identifiers.map((identifier) => [identifierKey(identifier), identifier] as const)));
      const owners = await findIdentifierOwners(manager, [...named.values()], identifierKey);
      const plan = planImport(valid, owners, randomUUID);
      await writeImportPlan(manager, plan);
      return plan;
    });
  }
}

/** The single upsert's validation (its decorators are all synchronous, so validateSync checks the same and costs less per row). */
function problemsOf(clinician: ImportedClinician): FieldProblem[] {
  const problems = fieldProblems(validateSync(plainToInstance(UpsertClinicianDto, clinician), { whitelist: true, forbidNonWhitelisted: true }));
  // Postgres text cannot hold U+0000: refuse the row here rather than fail the whole import at the insert.
  return problems.length > 0 ? problems : fieldsWithNul(clinician).map((field) => ({ field, message: 'must not contain the NUL character' }));
}

function fieldsWithNul(clinician: ImportedClinician): string[] {
  const fields: string[] = [];
  clinician.identifiers.forEach((identifier, index) => {
    if (identifier.system.includes('\u0000')) fields.push(`identifiers.${index}.system`);
    if (identifier.value.includes('\u0000')) fields.push(`identifiers.${index}.value`);
  });
  for (const field of ['displayName', 'profession', 'department', 'facility', 'phone', 'email'] as const) {
    if (clinician[field]?.includes('\u0000')) fields.push(field);
  }
  return fields;
}
