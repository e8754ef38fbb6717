import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IncidentReportedV1, SupportRequested } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { IntakeEnv } from '../intake.env';
import { decideIncidentOutreach } from './outreach-policy';

export interface RecordIncidentResult {
  triggerId: string;
  /** Support requests this call created; empty when the incident was already known in full. */
  requestIds: string[];
}

/**
 * Records an incident once per (source, source event id). A re-sent or updated incident adds only the
 * clinicians not seen before, so the same report never pages twice.
 */
@Injectable()
export class RecordIncident {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_ENV) private readonly env: IntakeEnv,
  ) {}

  async execute(manager: EntityManager, incident: IncidentReportedV1): Promise<RecordIncidentResult> {
    const triggerId = await this.upsertTrigger(manager, incident);
    const decision = decideIncidentOutreach(incident.harmLevel, { minHarmLevel: this.env.INTAKE_MIN_HARM_LEVEL });
    const requestIds: string[] = [];
    for (const { identifier } of incident.involvedClinicians) {
      const requestId = decision === 'outreach' ? randomUUID() : null;
      const inserted: unknown[] = await manager.query(
        `INSERT INTO "intake"."trigger_clinicians" ("trigger_id", "identifier_system", "identifier_value", "decision", "request_id")
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
        [triggerId, identifier.system, identifier.value, decision, requestId],
      );
      if (inserted.length === 0 || !requestId) continue;
      await this.outbox.enqueue(manager, SupportRequested, {
        requestId,
        clinician: { system: identifier.system, value: identifier.value },
        trigger: { kind: 'incident', category: incident.category, harmLevel: incident.harmLevel, occurredAt: incident.occurredAt },
        facility: incident.facility,
        department: incident.department,
        requestedAt: new Date().toISOString(),
      });
      requestIds.push(requestId);
    }
    return { triggerId, requestIds };
  }

  private async upsertTrigger(manager: EntityManager, incident: IncidentReportedV1): Promise<string> {
    // The no-op update makes RETURNING yield the existing row's id on conflict.
    const [row] = await manager.query(
      `INSERT INTO "intake"."triggers"
         ("id", "kind", "source", "source_event_id", "category", "harm_level", "facility", "department", "occurred_at", "reported_at")
       VALUES ($1, 'incident', $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("kind", "source", "source_event_id") DO UPDATE SET "source" = EXCLUDED."source"
       RETURNING "id"`,
      [randomUUID(), incident.source, incident.sourceEventId, incident.category, incident.harmLevel, incident.facility,
        incident.department ?? null, incident.occurredAt, incident.reportedAt],
    );
    return row.id;
  }
}
