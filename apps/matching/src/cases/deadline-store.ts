import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InsertAtCommit } from '@harbor/persistence';

export type DeadlineKind = 'ack' | 'overall' | 'follow-up';

export interface Deadline {
  id: string;
  kind: DeadlineKind;
  caseId: string;
  assignmentId: string | null;
  sequence: number | null;
}

/**
 * The one owner of `"matching"."deadlines"`: a case's acknowledgement, overall and follow-up clocks, as rows so
 * they survive restarts. Writes take the caller's EntityManager (the transaction holding the case's lock).
 * CaseViews (case-views.ts) reads the table for staff's read-only routes and metrics.
 *
 * A new deadline's row is written as its transaction commits, with every other deadline the transaction scheduled
 * (a consumer chunk's cases: one INSERT); the methods that read or change deadlines in a transaction first write
 * the rows still pending, so they see them.
 */
@Injectable()
export class DeadlineStore {
  private readonly scheduled = new InsertAtCommit('"matching"."deadlines"', [
    ['"id"', 'uuid'], ['"kind"', 'text'], ['"case_id"', 'uuid'], ['"assignment_id"', 'uuid'], ['"sequence"', 'int'], ['"due_at"', 'timestamptz'],
  ]);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async schedule(manager: EntityManager, deadline: { kind: DeadlineKind; caseId: string; dueAt: Date; assignmentId?: string; sequence?: number }): Promise<void> {
    await this.scheduled.add(manager, [randomUUID(), deadline.kind, deadline.caseId, deadline.assignmentId ?? null, deadline.sequence ?? null, deadline.dueAt]);
  }

  /** Cancels a case's pending deadlines of the given kinds (all kinds when none are given); returns how many. */
  async cancel(manager: EntityManager, caseId: string, kinds?: DeadlineKind[]): Promise<number> {
    await this.scheduled.writeNow(manager);
    const rows: unknown[] = await manager.query(
      `WITH cancelled AS (
         UPDATE "matching"."deadlines" SET "status" = 'cancelled', "settled_at" = now()
         WHERE "case_id" = $1 AND "status" = 'pending' AND ($2::text[] IS NULL OR "kind" = ANY($2)) RETURNING 1
       ) SELECT * FROM cancelled`,
      [caseId, kinds ?? null],
    );
    return rows.length;
  }

  /** Pending deadlines that are due, the most overdue first (read outside any transaction). */
  async due(limit: number): Promise<{ id: string; caseId: string }[]> {
    const rows: { id: string; case_id: string }[] = await this.dataSource.query(
      `SELECT "id", "case_id" FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now() ORDER BY "due_at" LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, caseId: row.case_id }));
  }

  /**
   * Takes the deadline for the caller's transaction and marks it fired; undefined when it is no longer pending
   * or another transaction holds it (SKIP LOCKED), so a deadline fires at most once however many replicas tick.
   */
  async claim(manager: EntityManager, deadlineId: string): Promise<Deadline | undefined> {
    await this.scheduled.writeNow(manager);
    const [row] = await manager.query(
      `SELECT "id", "kind", "case_id", "assignment_id", "sequence" FROM "matching"."deadlines"
       WHERE "id" = $1 AND "status" = 'pending' FOR UPDATE SKIP LOCKED`,
      [deadlineId],
    );
    if (!row) return undefined;
    await manager.query(`UPDATE "matching"."deadlines" SET "status" = 'fired', "settled_at" = now() WHERE "id" = $1`, [deadlineId]);
    return { id: row.id, kind: row.kind, caseId: row.case_id, assignmentId: row.assignment_id, sequence: row.sequence };
  }
}
