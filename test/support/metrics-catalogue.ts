/**
 * Every Harbor series, with the labels it may carry (besides `service`, and `le` on histograms). A new metric or
 * label fails test/security/metrics-exposure.test.ts until it is reviewed here: no label may tell one kind of
 * clinical event from another (a topic, an event type, a category, a facility), nor name a person or a case, so
 * that no series becomes a live count of lawsuits, escalations or released contacts. docs/operations.md lists the
 * same series; the monitoring pack (deploy/k8s/monitoring) may name only these and documented exporter metrics.
 */
export const CATALOGUE: Record<string, string[]> = {
  harbor_messages_consumed_total: ['outcome'],
  harbor_message_handling_seconds: [],
  harbor_outbox_published_total: [],
  harbor_outbox_lag_seconds: [],
  // The backlog as a whole, read from the table: grows while the relay is stuck.
  harbor_outbox_backlog: [],
  harbor_outbox_oldest_unsent_seconds: [],
  // Route patterns, never paths; intake's trigger submissions and opt-outs share labels (see intake.module.ts).
  harbor_http_requests_total: ['method', 'route', 'status'],
  harbor_http_request_duration_seconds: ['method', 'route'],
  harbor_consumer_up: [],
  harbor_ready: [],
  harbor_build_info: ['version', 'commit'],
  // A process's database work as one number: round trips, not statements' text or tables.
  harbor_database_round_trips_total: [],
  harbor_matching_deadlines_overdue: [],
  harbor_matching_oldest_overdue_deadline_seconds: [],
  // An age only (absent when none waits): an escalation nobody answers is an emergency, the count is not shown.
  harbor_matching_oldest_unanswered_escalation_seconds: [],
  harbor_notification_pages_sent_total: [],
  harbor_notification_send_failures_total: ['channel', 'outcome'],
  harbor_notification_page_seconds: [],
  // Operational emergencies and provider health, reviewed: a failed escalation page must page on-call; the
  // page kind (offer, staff page) of what is waiting says which alert fires, not who or what happened.
  harbor_notification_staff_pages_failed_total: ['kind', 'reason'],
  harbor_notification_oldest_pending_page_seconds: ['kind'],
  harbor_notification_pages_waiting_on_provider: ['kind'],
  harbor_notification_pages_pending: [],
  harbor_notification_provider_circuit_open: ['provider'],
  harbor_reporting_facts_recorded_total: [],
  harbor_reporting_publications_total: [],
  harbor_reporting_facts_excluded_total: [],
  harbor_reporting_release_failures_total: [],
};

/** Intake's routes whose own label would count one kind of trigger, or opt-outs: they must never be a route label. */
export const HIDDEN_ROUTES = /incident|lawsuit|referral|AdverseEvent|opt-out|triage/i;

export const LABEL_VALUES: Record<string, RegExp> = {
  outcome: /^(processed|duplicate|retried|dead_lettered|retry|next_channel|gave_up|provider_wait|found_at_provider|resent_unconfirmed)$/,
  channel: /^(sms|email|pagerduty|wctp|console)$/,
  provider: /^(sms|email|pagerduty|wctp)$/,
  kind: /^(offer-page|staff-page|pagerduty-acknowledge|pagerduty-resolve|coordinator-escalation|follow-up-reminder)$/,
  reason: /^(refused|deadline)$/,
  method: /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/,
  // A pattern with :placeholders, a shared label, or `unmatched`: never an id, a token or a query.
  route: /^(\/[A-Za-z0-9/:._-]*|trigger-submission|program-staff-request|unmatched)$/,
  status: /^[1-5]\d\d$/,
  version: /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$|^unknown$/,
  commit: /^([0-9a-f]{7,40}|unknown)$/,
};

/** Metrics of exporters outside Harbor that the monitoring pack may name, with where they come from. */
export const EXTERNAL_METRICS: Record<string, string> = {
  kafka_consumergroup_lag: "Strimzi's Kafka Exporter (Kafka.spec.kafkaExporter)",
  up: 'Prometheus itself (one per scrape target)',
  kube_pod_container_status_restarts_total: 'kube-state-metrics',
};
