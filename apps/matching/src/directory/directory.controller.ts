import { Body, Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequestException, refuseUnsafeText } from '@harbor/service-runtime';
import { clinicianRowsFromCsv, clinicianRowsFromFhirBundle, CsvLimits, SourceRow, UnreadableImportError } from './import/clinician-sources';
import { ImportClinicians, ImportOptions } from './import/import-clinicians.usecase';
import { Role, Roles } from '@harbor/auth';
import { UpsertClinicianDto } from './clinician.dto';
import { UpsertClinician } from './upsert-clinician.usecase';

@Controller('v1/directory/clinicians')
export class DirectoryController {
  constructor(
    private readonly upsertClinician: UpsertClinician,
    private readonly importClinicians: ImportClinicians,
  ) {}

  @Post()
  @Roles(Role.ProgramAdmin)
  async upsert(@Body() dto: UpsertClinicianDto, @Res({ passthrough: true }) response: Response) {
    const result = await this.upsertClinician.execute(dto);
    response.status(result.created ? 201 : 200);
    return { id: result.id };
  }

  /**
   * Bulk import: `text/csv` (see docs/matching.md for the columns) or a FHIR Bundle of Practitioner and
   * PractitionerRole (`application/fhir+json` or `application/json`; collection, searchset, transaction, batch
   * or their responses). 200 with counts, the failed rows and, when there are any, rows imported with a
   * warning (profession unknown). The CSV is parsed as it streams in; nothing is written until the whole file
   * has been read and validated. `?rows=outcomes` adds `imported`: what each imported row did (created or
   * updated, and the clinician's Harbor id), for the console's row-by-row report.
   */
  @Post('import')
  @HttpCode(200)
  @Roles(Role.ProgramAdmin)
  async import(@Req() request: Request, @Query('rows') rowsDetail?: string) {
    if (rowsDetail !== undefined && rowsDetail !== 'outcomes') throw new InvalidRequestException([{ field: 'rows', message: 'must be "outcomes" when given' }]);
    const options = { rowOutcomes: rowsDetail === 'outcomes' };
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/csv') {
      // A body declared too large is refused before any of it is read; one sent without a length is counted as it arrives.
      if (Number(request.headers['content-length']) > IMPORT_LIMITS.bytes) throw new InvalidRequestException([{ field: 'body', message: `larger than ${IMPORT_LIMITS.bytes} bytes` }], 413);
      return this.importRows(clinicianRowsFromCsv(request, IMPORT_LIMITS), options);
    }
    if (type === 'application/json' || type === 'application/fhir+json') {
      let rows: SourceRow[];
      refuseUnsafeText(request.body);
      try {
        rows = clinicianRowsFromFhirBundle(request.body);
      } catch (error) {
        throw new InvalidRequestException([{ field: 'body', message: (error as Error).message }]);
      }
      if (rows.length > IMPORT_LIMITS.rows) throw new InvalidRequestException([{ field: 'body', message: `at most ${IMPORT_LIMITS.rows} clinicians per import` }], 413);
      return this.importRows(rows, options);
    }
    throw new InvalidRequestException([{ field: 'content-type', message: 'must be text/csv, application/fhir+json or application/json' }], 415);
  }

  private async importRows(rows: AsyncIterable<SourceRow> | SourceRow[], options: ImportOptions) {
    try {
      return await this.importClinicians.execute(rows, options);
    } catch (error) {
      if (error instanceof UnreadableImportError) throw new InvalidRequestException([{ field: 'body', message: error.message }], error.status);
      throw error;
    }
  }
}

/**
 * Whole-file limits. 20 MB holds 100,000 rows of a typical directory extract (two identifiers, name, contact
 * details: about 150 bytes a row, so 50,000 rows are about 7.6 MB). Memory does not grow with the file: rows
 * are written in batches as they are read (docs/matching.md, "Bulk import").
 */
const IMPORT_LIMITS: CsvLimits = { bytes: 20 * 1024 * 1024, rows: 100_000 };
