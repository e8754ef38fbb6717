import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_ENCOUNTER_CONTENT, DEFAULT_PROGRAM_ID, EncounterContent } from './encounter-content';

export interface ProgramEncounterContent extends EncounterContent {
  program: string;
  /** false: the program has no content of its own and shows the shipped defaults (or the default program's). */
  custom: boolean;
}

/** Owns "notification"."encounter_content": each program's guide and resources, edited by program staff. */
@Injectable()
export class EncounterContentStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The program's own content, else the default program's, else the shipped defaults. */
  async of(program: string): Promise<ProgramEncounterContent> {
    const rows: { program_id: string; guide: string[]; resources: EncounterContent['resources'] }[] = await this.dataSource.query(
      `SELECT "program_id", "guide", "resources" FROM "notification"."encounter_content" WHERE "program_id" = ANY($1)`,
      [[program, DEFAULT_PROGRAM_ID]],
    );
    const own = rows.find((row) => row.program_id === program) ?? rows.find((row) => row.program_id === DEFAULT_PROGRAM_ID);
    if (!own) return { program, custom: false, ...DEFAULT_ENCOUNTER_CONTENT };
    return { program, custom: own.program_id === program, guide: own.guide, resources: own.resources };
  }

  async put(program: string, content: EncounterContent): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "notification"."encounter_content" ("program_id", "guide", "resources") VALUES ($1, $2, $3)
       ON CONFLICT ("program_id") DO UPDATE SET "guide" = $2, "resources" = $3, "updated_at" = now()`,
      [program, JSON.stringify(content.guide), JSON.stringify(content.resources)],
    );
  }
}
