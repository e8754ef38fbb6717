import { HARM_LEVELS, HarmLevel, IncidentCategory, LawsuitKind, ProfessionGroup, TriggerCategory, TriggerKind } from '@harbor/contracts';

export interface OutreachPolicy {
  minHarmLevel: HarmLevel;
}

export type OutreachDecision = 'outreach' | 'below-harm-threshold';

/** Whether an incident's harm level is serious enough for proactive outreach under the program's policy. */
export function decideIncidentOutreach(harmLevel: HarmLevel, policy: OutreachPolicy): OutreachDecision {
  return HARM_LEVELS.indexOf(harmLevel) >= HARM_LEVELS.indexOf(policy.minHarmLevel) ? 'outreach' : 'below-harm-threshold';
}

/** The program's whole trigger policy, from IntakeEnv (see docs/intake.md). */
export interface TriggerPolicy extends OutreachPolicy {
  outreachCategories: readonly IncidentCategory[];
  lawsuitKinds: readonly LawsuitKind[];
  /** `all`, or the profession groups the program serves. */
  servedProfessions: readonly (ProfessionGroup | 'all')[];
}

/** What happened to one clinician of one trigger; stored as `trigger_clinicians.decision`. */
export type ClinicianDecision =
  | 'outreach'
  | 'below-harm-threshold'
  | 'category-excluded'
  | 'kind-excluded'
  | 'withdrawn'
  | 'not-served'
  | 'opted-out'
  | 'absorbed';

export type TriggerDecision = Extract<ClinicianDecision, 'outreach' | 'below-harm-threshold' | 'category-excluded' | 'kind-excluded' | 'withdrawn'>;

export interface TriggerFacts {
  kind: TriggerKind;
  category: TriggerCategory;
  harmLevel?: HarmLevel | null;
  withdrawn?: boolean;
}

/**
 * Whether a trigger, as a whole, calls for outreach: incidents by category and harm, claim notices by kind
 * (whatever the harm), referrals always. A withdrawn (entered-in-error) event never does.
 */
export function decideTriggerOutreach(trigger: TriggerFacts, policy: TriggerPolicy): TriggerDecision {
  if (trigger.withdrawn) return 'withdrawn';
  switch (trigger.kind) {
    case 'incident':
      if (!policy.outreachCategories.includes(trigger.category as IncidentCategory)) return 'category-excluded';
      return decideIncidentOutreach(trigger.harmLevel ?? 'none', policy);
    case 'lawsuit':
      return policy.lawsuitKinds.includes(trigger.category as LawsuitKind) ? 'outreach' : 'kind-excluded';
    case 'referral':
      return 'outreach';
  }
}

export interface ClinicianFacts {
  /** The profession group when the trigger states it; unknown professions are left to matching. */
  profession?: ProfessionGroup;
  optedOut: boolean;
  /** A support request went to this clinician within the cooldown window. */
  recentlyRequested: boolean;
  /** The clinician asked for support themselves: opt-out and cooldown do not apply. */
  selfReferral: boolean;
}

/** One clinician's outcome: the trigger's decision first, then who is served, then opt-out, then cooldown. */
export function decideClinicianOutreach(triggerDecision: TriggerDecision, clinician: ClinicianFacts, policy: TriggerPolicy): ClinicianDecision {
  if (triggerDecision !== 'outreach') return triggerDecision;
  if (clinician.profession && !policy.servedProfessions.includes('all') && !policy.servedProfessions.includes(clinician.profession)) {
    return 'not-served';
  }
  if (clinician.selfReferral) return 'outreach';
  if (clinician.optedOut) return 'opted-out';
  if (clinician.recentlyRequested) return 'absorbed';
  return 'outreach';
}

/** The trigger policy together with the cooldown: everything program staff may change (`PUT /v1/trigger-policy`). */
export interface ProgramTriggerPolicy extends TriggerPolicy {
  /** Hours a clinician sent a support request is not paged again (absorbed); 0 = never absorbed. */
  cooldownHours: number;
}

export const TRIGGER_POLICY_FIELDS = ['servedProfessions', 'outreachCategories', 'minHarmLevel', 'lawsuitKinds', 'cooldownHours'] as const;
export type TriggerPolicyField = (typeof TRIGGER_POLICY_FIELDS)[number];

/** The fields program staff changed; a field left out keeps intake's configured default. */
export type TriggerPolicyOverrides = Partial<ProgramTriggerPolicy>;

/** The policy in force: the configured defaults, each overridden field replacing its default whole. */
export function effectiveTriggerPolicy(defaults: ProgramTriggerPolicy, overrides: TriggerPolicyOverrides): ProgramTriggerPolicy & { overridden: TriggerPolicyField[] } {
  const overridden = TRIGGER_POLICY_FIELDS.filter((field) => overrides[field] !== undefined && overrides[field] !== null);
  const policy: ProgramTriggerPolicy = { ...defaults };
  for (const field of overridden) Object.assign(policy, { [field]: overrides[field] });
  return { ...policy, overridden };
}
