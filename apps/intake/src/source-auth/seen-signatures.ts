import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Remembers signed requests for their short lifetime, across replicas, so each is accepted once. */
@Injectable()
export class SeenSignatures {
  /** Expired digests are deleted at most once per retention period per replica, not on every request. */
  private nextPurgeAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * True the first time this source sends these exact signed bytes. Keyed on what was signed, not on the
   * header, so re-encoding the signature (case, order, a second one added) does not make a replay new.
   */
  async firstTime(sourceSystem: string, signedInput: Buffer, retentionSeconds: number): Promise<boolean> {
    const digest = createHash('sha256').update(sourceSystem).update('\n').update(signedInput).digest('hex');
    await this.purgeExpired(retentionSeconds);
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "intake"."seen_signatures" ("digest", "source_system") VALUES ($1, $2)
       ON CONFLICT ("digest") DO NOTHING RETURNING 1`,
      [digest, sourceSystem],
    );
    return inserted.length === 1;
  }

  private async purgeExpired(retentionSeconds: number): Promise<void> {
    if (Date.now() < this.nextPurgeAt) return;
    this.nextPurgeAt = Date.now() + retentionSeconds * 1000;
    await this.dataSource.query(
      `DELETE FROM "intake"."seen_signatures" WHERE "seen_at" < now() - make_interval(secs => $1)`,
      [retentionSeconds],
    );
  }
}
