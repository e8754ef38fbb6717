import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What the link page needs of an offer to decide who may see its released contact. */
export interface OfferViewer {
  status: string;
  /** The browser bound to the accepted offer (a hash of its cookie), or null while none is. */
  viewerHash: string | null;
  /** Lets one browser claim an accepted offer (empty: the page link; set: a claim link sent after an SMS). */
  claimNonce: string | null;
}

/**
 * The offer's viewer binding, for the link page: which browser holds an accepted offer. The offers table's
 * other columns are written by the use cases that page and answer offers.
 */
@Injectable()
export class LinkViewers {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async of(assignmentId: string): Promise<OfferViewer | undefined> {
    const [offer]: { status: string; viewer_hash: string | null; claim_nonce: string | null }[] = await this.dataSource.query(
      `SELECT "status", "viewer_hash", "claim_nonce" FROM "notification"."offers" WHERE "assignment_id" = $1`,
      [assignmentId],
    );
    return offer && { status: offer.status, viewerHash: offer.viewer_hash, claimNonce: offer.claim_nonce };
  }

  /** Binds the browser to an accepted offer no browser holds yet, if the nonce matches; false otherwise. Once. */
  async bind(assignmentId: string, viewerHash: string, claimNonce: string): Promise<boolean> {
    const bound: unknown[] = await this.dataSource.query(
      // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE returns [rows, count]).
      `WITH bound AS (
         UPDATE "notification"."offers" SET "viewer_hash" = $2, "claim_nonce" = NULL
         WHERE "assignment_id" = $1 AND "status" = 'accepted' AND "viewer_hash" IS NULL AND "claim_nonce" = $3 RETURNING 1
       ) SELECT * FROM bound`,
      [assignmentId, viewerHash, claimNonce],
    );
    return bound.length > 0;
  }
}
