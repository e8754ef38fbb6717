import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UpsertClinicianDto } from './clinician.dto';
import { lockDirectoryForWriting, ownersOf, saveClinician } from './directory-store';

/** Adds or updates a directory entry, keyed by Harbor id or by any of its identifiers. */
@Injectable()
export class UpsertClinician {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute(dto: UpsertClinicianDto): Promise<{ id: string; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      await lockDirectoryForWriting(manager);
      const known = new Set(await ownersOf(manager, dto.identifiers));
      if (dto.id) known.add(dto.id);
      if (known.size > 1) throw new ConflictException('The identifiers given belong to different clinicians.');
      const id = [...known][0] ?? randomUUID();
      const created = await saveClinician(manager, id, dto, dto.identifiers);
      return { id, created };
    });
  }
}
