import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Remembers signed requests for their short lifetime, across replicas, so each is accepted once. */
@Injectable()
export class SeenSignatures {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * True the first time this source sends these exact signed bytes. Keyed on what was signed, not on the
   * header, so re-encoding the signature (case, order, a second one added) does not make a replay new.
   */
  async firstTime(sourceSystem: string, signedInput: Buffer, retentionSeconds: number): Promise<boolean> {
    const digest = createHash('sha256').update(sourceSystem).update('\n').update(signedInput).digest('hex');
    await this.dataSource.query(
      `DELETE FROM "intake"."seen_signatures" WHERE "seen_at" < now() - make_interval(secs => $1)`,
      [retentionSeconds],
    );
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO "intake"."seen_signatures" ("digest", "source_system") VALUES ($1, $2)
       ON CONFLICT ("digest") DO NOTHING RETURNING 1`,
      [digest, sourceSystem],
    );
    return inserted.length === 1;
  }
}
