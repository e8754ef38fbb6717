/** How a program wants its cases matched. Every field has an environment default (see matching.env.ts). */
export const DEPARTMENT_RULES = ['avoid', 'prefer', 'any'] as const;
export type DepartmentRule = (typeof DEPARTMENT_RULES)[number];

export const PROFESSION_RULES = ['prefer', 'any'] as const;
export type ProfessionRule = (typeof PROFESSION_RULES)[number];

export const LANGUAGE_RULES = ['require', 'any'] as const;
export type LanguageRule = (typeof LANGUAGE_RULES)[number];

export interface MatchingPolicy {
  /** `avoid`: never a supporter from the clinician's own department (Stanford); `prefer`: same department first (Brigham). */
  departmentRule: DepartmentRule;
  /** `prefer`: a peer of the same profession ranks before anyone else of the same department class. */
  professionRule: ProfessionRule;
  /** `require`: when the clinician's directory entry lists languages, the supporter must speak one of them. */
  languageRule: LanguageRule;
  /** How long a supporter has to answer an offer before the next one is asked. */
  ackTimeoutSeconds: number;
  /** From the case's opening: no acceptance by then → the on-call coordinator is paged. */
  overallDeadlineSeconds: number;
  /** Offers made for one case before it is escalated. */
  maxOffers: number;
  /** Follow-up reminders to the supporter, counted from the recorded contact. */
  followUpSeconds: number[];
  /** The external resource offered to the clinician when the case escalates (e.g. a national support line id). */
  fallbackResource: string;
  /**
   * Care for the carers: hours a supporter is not offered another case after accepting one from a death or
   * severe-harm event, unless they opted in to more (`acceptsCasesWhileResting`). 0 = no rest period.
   */
  restAfterSevereHours: number;
  /** Cases a supporter may take per calendar month (UTC): held offers and accepted cases count. 0 = no cap. */
  monthlyCaseCap: number;
  /**
   * One event, a whole unit: when one event names at least this many clinicians of one unit, the program's
   * coordinator is also offered a group debrief for that unit (besides each person's own outreach).
   */
  groupDebriefMinClinicians: number;
}

/** Harm levels whose cases send the supporter who accepted them into a rest period. */
export const RESTFUL_HARM_LEVELS: readonly string[] = ['severe', 'death'];
