import { HARM_LEVELS, HarmLevel, IncidentCategory } from '@harbor/contracts';
import { Coding } from './fhir-values';

/**
 * FHIR codes (AdverseEvent.category, and event/code) → Harbor's incident categories. Codes are compared
 * lower-cased and without their system, because sources mix the R4 and R5 code systems and local copies of
 * them. The table is the documented mapping (docs/intake.md); anything else maps to 'other'.
 */
export const CATEGORY_BY_CODE: Record<string, IncidentCategory> = {
  // HL7 adverse-event-category: medication use
  'medication-mishap': 'medication-error',
  'product-use-error': 'medication-error',
  'wrong-dose': 'medication-error',
  'incorrect-prescribing-information': 'medication-error',
  'wrong-route-of-administration': 'medication-error',
  'wrong-rate': 'medication-error',
  'wrong-duration': 'medication-error',
  'wrong-time': 'medication-error',
  'expired-drug': 'medication-error',
  'wrong-drug': 'medication-error',
  'medication-error': 'medication-error',
  // procedures and devices
  'wrong-body-site': 'wrong-site-procedure',
  'wrong-site': 'wrong-site-procedure',
  'wrong-site-procedure': 'wrong-site-procedure',
  'procedure-mishap': 'procedural-complication',
  'wrong-technique': 'procedural-complication',
  'medical-device-use-error': 'procedural-complication',
  'procedural-complication': 'procedural-complication',
  // falls
  fall: 'fall-with-harm',
  falls: 'fall-with-harm',
  'fall-with-harm': 'fall-with-harm',
  '217082002': 'fall-with-harm', // SNOMED CT: accidental fall
  '1912002': 'fall-with-harm', // SNOMED CT: fall
  // aggression against staff
  assault: 'staff-assault',
  'staff-assault': 'staff-assault',
  '370927008': 'staff-assault', // SNOMED CT: death or injury from a physical assault within the facility
  '52684005': 'staff-assault', // SNOMED CT: assault
  // diagnosis
  'diagnostic-error': 'diagnostic-error',
  'delayed-diagnosis': 'diagnostic-error',
  misdiagnosis: 'diagnostic-error',
  // death
  'unexpected-death': 'unexpected-death',
  '419099009': 'unexpected-death', // SNOMED CT: dead
};

/** Seriousness, severity and outcome codes → the harm level they imply (the highest one found wins). */
export const HARM_BY_CODE: Record<string, HarmLevel> = {
  // R4/R5 adverse-event-severity, and the R5 draft clinResSeverityOrGrade
  mild: 'mild',
  moderate: 'moderate',
  severe: 'severe',
  // R4 adverse-event-seriousness
  'non-serious': 'mild',
  serious: 'severe',
  seriousresultsindeath: 'death',
  seriousislifethreatening: 'severe',
  seriousresultsinhospitalization: 'severe',
  seriousresultsindisability: 'severe',
  isacongenitalanomaly: 'severe',
  requirespreventimpairment: 'severe',
  // R4/R5 outcome
  fatal: 'death',
  death: 'death',
  '419099009': 'death', // SNOMED CT: dead
  resolvedwithsequelae: 'moderate',
  'recovered-with-sequelae': 'moderate',
};

export function categoryOf(codes: Coding[]): IncidentCategory | undefined {
  for (const { code } of codes) {
    const category = code ? CATEGORY_BY_CODE[code] : undefined;
    if (category) return category;
  }
  return undefined;
}

export function highestHarm(codes: Coding[]): HarmLevel | undefined {
  let highest: HarmLevel | undefined;
  for (const { code } of codes) {
    const harm = code ? HARM_BY_CODE[code] : undefined;
    if (harm && (!highest || HARM_LEVELS.indexOf(harm) > HARM_LEVELS.indexOf(highest))) highest = harm;
  }
  return highest;
}
