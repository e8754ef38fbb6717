import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentOffered, AssignmentOfferedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { PageSupporter } from './page-supporter.usecase';

@Injectable()
export class AssignmentOfferedHandler implements EventHandler<AssignmentOfferedV1> {
  readonly definition = AssignmentOffered;
  constructor(private readonly pageSupporter: PageSupporter) {}

  async handle(event: InboundEvent<AssignmentOfferedV1>, manager: EntityManager): Promise<void> {
    await this.pageSupporter.execute(manager, event.payload);
  }
}
