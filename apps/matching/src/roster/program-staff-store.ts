import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChannelAddressV1 } from '@harbor/contracts';

export interface ProgramStaffMember {
  id: string;
  program: string;
  role: string;
  displayName: string;
  channels: ChannelAddressV1[];
  active: boolean;
}

/** The one owner of `"matching"."program_staff"`: directors, administrators and on-call coordinators. */
@Injectable()
export class ProgramStaffStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Creates or replaces the member; true when it was created. */
  async save(member: ProgramStaffMember): Promise<boolean> {
    const [{ inserted }] = await this.dataSource.query(
      `INSERT INTO "matching"."program_staff" ("id", "program", "role", "display_name", "channels", "active") VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("id") DO UPDATE SET "program" = $2, "role" = $3, "display_name" = $4, "channels" = $5, "active" = $6, "updated_at" = now()
       RETURNING (xmax = 0) AS inserted`,
      [member.id, member.program, member.role, member.displayName, JSON.stringify(member.channels), member.active],
    );
    return inserted;
  }

  async list(program?: string): Promise<ProgramStaffMember[]> {
    return this.dataSource.query(
      `SELECT "id", "program", "role", "display_name" AS "displayName", "channels", "active" FROM "matching"."program_staff"
       WHERE ($1::text IS NULL OR "program" = $1) ORDER BY "program", "role", "id"`,
      [program ?? null],
    );
  }

  /** The program's active members in any of the roles, in a stable order (who an escalation pages). */
  async activeInRoles(manager: EntityManager, program: string, roles: readonly string[]): Promise<Pick<ProgramStaffMember, 'id' | 'role' | 'channels'>[]> {
    return manager.query(
      `SELECT "id", "role", "channels" FROM "matching"."program_staff" WHERE "program" = $1 AND "active" AND "role" = ANY($2) ORDER BY "id"`,
      [program, roles],
    );
  }
}
