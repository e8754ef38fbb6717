import { IntakeEnv } from '../intake.env';
import { AdverseEventOptions } from '../fhir/adverse-event.mapper';
import { TriggerPolicy } from './outreach-policy';

export function triggerPolicyFrom(env: IntakeEnv): TriggerPolicy {
  return {
    minHarmLevel: env.INTAKE_MIN_HARM_LEVEL,
    outreachCategories: env.INTAKE_OUTREACH_CATEGORIES,
    lawsuitKinds: env.INTAKE_LAWSUIT_KINDS,
    servedProfessions: env.INTAKE_SERVED_PROFESSIONS,
  };
}

export function adverseEventOptionsFrom(env: IntakeEnv): AdverseEventOptions {
  return {
    referenceSystem: env.INTAKE_FHIR_REFERENCE_SYSTEM,
    includeRecorders: env.INTAKE_INCLUDE_RECORDERS,
    defaultSource: env.INTAKE_FHIR_DEFAULT_SOURCE,
    defaultFacility: env.INTAKE_FHIR_DEFAULT_FACILITY,
    defaultHarmLevel: env.INTAKE_FHIR_DEFAULT_HARM_LEVEL,
  };
}
