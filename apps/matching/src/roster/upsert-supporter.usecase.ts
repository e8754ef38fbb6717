import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SupporterStore } from './supporter-store';
import { UpsertSupporterDto } from './supporter.dto';

@Injectable()
export class UpsertSupporter {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly supporters: SupporterStore,
  ) {}

  async execute(dto: UpsertSupporterDto): Promise<{ created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const created = await this.supporters.save(manager, dto);
      await this.supporters.refreshAvailability(manager, dto.id);
      return { created };
    });
  }
}
