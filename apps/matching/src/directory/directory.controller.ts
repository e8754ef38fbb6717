import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequestException, refuseUnsafeText } from '@harbor/service-runtime';
import { clinicianRowsFromCsv, clinicianRowsFromFhirBundle, SourceRow } from './import/clinician-sources';
import { ImportClinicians } from './import/import-clinicians.usecase';
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
   * PractitionerRole (`application/fhir+json` or `application/json`). 200 with counts and the failed rows.
   */
  @Post('import')
  @HttpCode(200)
  @Roles(Role.ProgramAdmin)
  async import(@Req() request: Request) {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let rows: SourceRow[];
    try {
      if (type === 'text/csv') rows = clinicianRowsFromCsv(await readText(request, CSV_LIMIT_BYTES));
      else if (type === 'application/json' || type === 'application/fhir+json') {
        refuseUnsafeText(request.body);
        rows = clinicianRowsFromFhirBundle(request.body);
      }
      else throw new InvalidRequestException([{ field: 'content-type', message: 'must be text/csv, application/fhir+json or application/json' }], 415);
    } catch (error) {
      if (error instanceof InvalidRequestException) throw error;
      throw new InvalidRequestException([{ field: 'body', message: (error as Error).message }]);
    }
    if (rows.length > MAX_ROWS) throw new InvalidRequestException([{ field: 'body', message: `at most ${MAX_ROWS} clinicians per import` }], 413);
    return this.importClinicians.execute(rows);
  }
}

const CSV_LIMIT_BYTES = 20 * 1024 * 1024;
const MAX_ROWS = 100_000;

/** The JSON and form parsers leave a CSV body unread; read it here, with its own size limit. */
async function readText(request: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new InvalidRequestException([{ field: 'body', message: `larger than ${limit} bytes` }], 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
