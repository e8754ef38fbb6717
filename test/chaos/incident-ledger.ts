import type { ProducedIncident } from './incident-stream';

export interface CaseRow {
  clinician: string;
  caseId: string;
  status: string;
  escalationReason: string | null;
}

export interface AssignmentRow {
  id: string;
  caseId: string;
  status: string;
}

/** A message the provider accepted, keyed by the idempotency token Harbor sends with it (`<assignment id>:sms`). */
export interface ProviderMessage {
  idempotencyToken?: string;
  receivedAt: number;
}

export interface IncidentOutcome {
  clinician: string;
  kind: ProducedIncident['kind'];
  producedAt: number;
  caseOpened: boolean;
  /** When the provider first accepted a page for one of the case's offers. */
  pagedAt?: number;
  /** Pages the provider accepted beyond one per offer. */
  duplicatePages: number;
  escalated: boolean;
  escalationReason: string | null;
  /** Offers that ended without an answer (undeliverable, expired): none should while nobody is asked to answer. */
  offersBurned: number;
}

export interface LedgerTotals {
  incidents: number;
  streamed: number;
  probes: number;
  casesOpened: number;
  paged: number;
  lost: number;
  duplicatePages: number;
  escalated: number;
  escalatedByReason: Record<string, number>;
  offersBurned: number;
  /** Provider messages whose token names no offer of these incidents. */
  strayMessages: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/**
 * Per incident: was its case opened, was a page delivered at the provider, how many times beyond once, was
 * its case escalated (nobody answers in a chaos run, and its deadlines lie beyond the run, so any escalation
 * is one a fault caused), and did an offer end unanswered. An incident is lost when no case or no page.
 */
export function settleLedger(produced: ProducedIncident[], cases: CaseRow[], assignments: AssignmentRow[], messages: ProviderMessage[]): {
  outcomes: IncidentOutcome[];
  totals: LedgerTotals;
} {
  const caseByClinician = new Map<string, CaseRow>();
  for (const row of cases) caseByClinician.set(row.clinician, row);
  const assignmentsByCase = new Map<string, AssignmentRow[]>();
  for (const row of assignments) assignmentsByCase.set(row.caseId, [...(assignmentsByCase.get(row.caseId) ?? []), row]);
  const deliveries = new Map<string, number[]>();
  for (const message of messages) {
    const assignmentId = message.idempotencyToken?.split(':')[0] ?? '';
    deliveries.set(assignmentId, [...(deliveries.get(assignmentId) ?? []), message.receivedAt]);
  }

  const seen = new Set<string>();
  const outcomes: IncidentOutcome[] = [];
  for (const incident of produced) {
    // A send retried while the broker restarted is one incident, produced (at least) once.
    if (seen.has(incident.clinician)) continue;
    seen.add(incident.clinician);
    const found = caseByClinician.get(incident.clinician);
    const offers = found ? assignmentsByCase.get(found.caseId) ?? [] : [];
    const arrivals = offers.flatMap((offer) => deliveries.get(offer.id) ?? []);
    outcomes.push({
      clinician: incident.clinician,
      kind: incident.kind,
      producedAt: incident.producedAt,
      caseOpened: found !== undefined,
      pagedAt: arrivals.length > 0 ? Math.min(...arrivals) : undefined,
      duplicatePages: offers.reduce((sum, offer) => sum + Math.max(0, (deliveries.get(offer.id)?.length ?? 0) - 1), 0),
      escalated: found?.status === 'escalated',
      escalationReason: found?.escalationReason ?? null,
      offersBurned: offers.filter((offer) => offer.status === 'undeliverable' || offer.status === 'expired').length,
    });
  }

  const known = new Set(assignments.map((row) => row.id));
  const escalatedByReason: Record<string, number> = {};
  for (const outcome of outcomes.filter((candidate) => candidate.escalated)) {
    const reason = outcome.escalationReason ?? 'unknown';
    escalatedByReason[reason] = (escalatedByReason[reason] ?? 0) + 1;
  }
  const latencies = outcomes
    .filter((outcome) => outcome.pagedAt !== undefined)
    .map((outcome) => outcome.pagedAt! - outcome.producedAt)
    .sort((a, b) => a - b);
  return {
    outcomes,
    totals: {
      incidents: outcomes.length,
      streamed: outcomes.filter((outcome) => outcome.kind === 'stream').length,
      probes: outcomes.filter((outcome) => outcome.kind === 'probe').length,
      casesOpened: outcomes.filter((outcome) => outcome.caseOpened).length,
      paged: outcomes.filter((outcome) => outcome.pagedAt !== undefined).length,
      lost: outcomes.filter((outcome) => !outcome.caseOpened || outcome.pagedAt === undefined).length,
      duplicatePages: outcomes.reduce((sum, outcome) => sum + outcome.duplicatePages, 0),
      escalated: outcomes.filter((outcome) => outcome.escalated).length,
      escalatedByReason,
      offersBurned: outcomes.reduce((sum, outcome) => sum + outcome.offersBurned, 0),
      strayMessages: messages.filter((message) => !known.has(message.idempotencyToken?.split(':')[0] ?? '')).length,
      latencyMs: {
        p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1] ?? Number.NaN,
      },
    },
  };
}
