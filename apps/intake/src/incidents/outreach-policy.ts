import { HARM_LEVELS, HarmLevel } from '@harbor/contracts';

export interface OutreachPolicy {
  minHarmLevel: HarmLevel;
}

export type OutreachDecision = 'outreach' | 'below-harm-threshold';

/** Whether an incident's harm level is serious enough for proactive outreach under the program's policy. */
export function decideIncidentOutreach(harmLevel: HarmLevel, policy: OutreachPolicy): OutreachDecision {
  return HARM_LEVELS.indexOf(harmLevel) >= HARM_LEVELS.indexOf(policy.minHarmLevel) ? 'outreach' : 'below-harm-threshold';
}
