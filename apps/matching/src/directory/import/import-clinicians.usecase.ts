import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { dottedPath, FieldProblem, fieldProblems, findUnsafeText } from '@harbor/input';
import { ImportedClinicianDto } from '../clinician.dto';
import { findIdentifierOwners, lockDirectoryForWriting, writeImportPlan } from '../directory-store';
import { ImportedClinician, SourceRow } from './clinician-sources';
import { identifierKey, planImport, RowOutcome, ValidRow } from './import-plan';

export interface ImportReport {
  created: number;
  updated: number;
  failed: { row: number; errors: FieldProblem[] }[];
  /** Rows imported although part of them could not be read (e.g. profession unknown); present only when there are any. */
  warnings?: { row: number; warnings: FieldProblem[] }[];
  /** Each imported row's outcome in row order; only when asked for (`?rows=outcomes`), since it grows with the file. */
  imported?: RowOutcome[];
}

export interface ImportOptions {
  /** Also report what each imported row did (created or updated, and the clinician's Harbor id). */
  rowOutcomes?: boolean;
}

/** Valid rows written per batch: bounds what an import holds in memory whatever the size of the file. */
export const IMPORT_BATCH_ROWS = 10_000;

/**
 * Upserts clinicians from a bulk source with the same validation and identifier rules as the single upsert,
 * and the same result as upserting the rows one after another in file order.
 *
 * Rows are validated as they are read and written in batches, all in one transaction: for each batch the
 * owners of every identifier it names are read at once (earlier batches' writes included), each row's outcome
 * is worked out in memory and the batch is written with a few multi-row statements, while the next batch is
 * being read. A bad row is reported (row number, field, message; never its values) and does not stop the
 * others. A source that turns out unreadable part-way (malformed line, over a limit) or a database failure
 * rolls everything back, so a refused import changes nothing.
 */
@Injectable()
export class ImportClinicians {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: ImportOptions = {}): Promise<ImportReport> {
    const report: ImportReport = { created: 0, updated: 0, failed: [], ...(options.rowOutcomes ? { imported: [] } : {}) };
    const warnings: NonNullable<ImportReport['warnings']> = [];
    const runner = this.dataSource.createQueryRunner();
    let writing: Promise<void> | undefined;
    /** Starts writing a batch once the previous one is written: one batch is written while the next is read. */
    const write = async (batch: ValidRow[]) => {
      if (writing) await writing;
      else await this.begin(runner);
      writing = this.writeBatch(runner.manager, batch, report);
      // Awaited before the next batch or at the end; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    };
    try {
      let batch: ValidRow[] = [];
      for await (const { row, clinician, error, field, warnings: rowWarnings } of rows) {
        const problems = error || !clinician ? [{ field: field ?? 'row', message: error ?? 'empty' }] : problemsOf(clinician);
        if (problems.length > 0 || !clinician) {
          report.failed.push({ row, errors: problems });
          continue;
        }
        if (rowWarnings?.length) warnings.push({ row, warnings: rowWarnings });
        batch.push({ row, clinician });
        if (batch.length === IMPORT_BATCH_ROWS) {
          await write(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await write(batch);
      if (writing) {
        await writing;
        await runner.commitTransaction();
      }
    } catch (error) {
      if (runner.isTransactionActive) {
        await writing?.catch(() => undefined);
        await runner.rollbackTransaction();
      }
      throw error;
    } finally {
      await runner.release();
    }
    report.failed.sort((a, b) => a.row - b.row);
    // A row refused when written (its identifiers belong to different clinicians) was not imported: no warning for it.
    const failed = new Set(report.failed.map((entry) => entry.row));
    const imported = warnings.filter((entry) => !failed.has(entry.row)).sort((a, b) => a.row - b.row);
    return imported.length > 0 ? { ...report, warnings: imported } : report;
  }

  private async begin(runner: QueryRunner): Promise<void> {
    await runner.connect();
    await runner.startTransaction();
    await lockDirectoryForWriting(runner.manager);
  }

  private async writeBatch(manager: EntityManager, batch: ValidRow[], report: ImportReport): Promise<void> {
    const named = new Map(batch.flatMap(({ clinician }) => clinician.identifiers.map((identifier) => [identifierKey(identifier), identifier] as const)));
    const plan = planImport(batch, await findIdentifierOwners(manager, [...named.values()], identifierKey), randomUUID);
    await writeImportPlan(manager, plan);
    report.created += plan.created;
    report.updated += plan.updated;
    report.imported?.push(...plan.outcomes);
    for (const row of plan.conflicts) report.failed.push({ row, errors: [{ field: 'identifiers', message: 'the identifiers belong to different clinicians' }] });
  }
}

/**
 * The single upsert's validation (its decorators are all synchronous, so validateSync checks the same and costs
 * less per row), except that a profession the source does not know (null) is allowed.
 */
function problemsOf(clinician: ImportedClinician): FieldProblem[] {
  const dto = plainToInstance(ImportedClinicianDto, clinician);
  const problems = fieldProblems(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length > 0) return problems;
  // The input rule every request body passes (the pipe does not see imported rows): no NUL, no lone surrogate.
  const unsafe = findUnsafeText(dto);
  return unsafe ? [{ field: dottedPath(unsafe.path, 'row'), message: unsafe.message }] : [];
}
