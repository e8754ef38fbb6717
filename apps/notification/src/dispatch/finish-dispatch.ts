import { DataSource, EntityManager } from 'typeorm';

export type FinishedStatus = 'sent' | 'failed' | 'cancelled';

/** One dispatch by id, or an assignment's offer page while it is still pending (the latter finishes nothing once it was sent or given up). */
export type DispatchToFinish = { id: string } | { pendingOfferPageFor: string };

/**
 * Ends a dispatch: its final status and time, the page text dropped (it may carry a link, which is a credential),
 * the lease released. `failures`, when given, replaces the list of failed channels.
 */
export async function finishDispatch(
  db: DataSource | EntityManager,
  which: DispatchToFinish,
  status: FinishedStatus,
  failures?: string[],
): Promise<void> {
  const [where, key] = 'id' in which
    ? [`"id" = $2`, which.id]
    : [`"kind" = 'offer-page' AND "ref_id" = $2 AND "status" = 'pending'`, which.pendingOfferPageFor];
  const params: unknown[] = [status, key];
  if (failures) params.push(JSON.stringify(failures));
  await db.query(
    `UPDATE "notification"."dispatches" SET "status" = $1, "text" = NULL, "lease_until" = NULL, "finished_at" = now()${failures ? `, "failures" = $3` : ''}
     WHERE ${where}`,
    params,
  );
}
