import { DataSource } from 'typeorm';

/**
 * The one owner of `<schema>.consumer_members`: the consumer-group member id each running instance (host and HTTP
 * port) last joined with. A restarted instance reads its predecessor's id to take that member out of the group
 * at once, instead of waiting for the dead member's session to expire (see EventConsumer).
 */
export class ConsumerMembers {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async previous(instanceKey: string, groupId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT "member_id" FROM "${this.schema}"."consumer_members" WHERE "instance_key" = $1 AND "group_id" = $2`,
      [instanceKey, groupId],
    );
    return row?.member_id;
  }

  async record(instanceKey: string, groupId: string, memberId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "${this.schema}"."consumer_members" ("instance_key", "group_id", "member_id") VALUES ($1, $2, $3)
       ON CONFLICT ("instance_key", "group_id") DO UPDATE SET "member_id" = EXCLUDED."member_id", "joined_at" = now()`,
      [instanceKey, groupId, memberId],
    );
  }

  /** Forgets the member this instance left the group with cleanly (only if it is still the one recorded). */
  async forget(instanceKey: string, groupId: string, memberId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "${this.schema}"."consumer_members" WHERE "instance_key" = $1 AND "group_id" = $2 AND "member_id" = $3`,
      [instanceKey, groupId, memberId],
    );
  }
}
