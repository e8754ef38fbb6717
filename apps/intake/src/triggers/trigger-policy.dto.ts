import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { HARM_LEVELS, HarmLevel, INCIDENT_CATEGORIES, IncidentCategory, LAWSUIT_KINDS, LawsuitKind, PROFESSION_GROUPS, ProfessionGroup } from '@harbor/contracts';

/**
 * Program staff's changes to the trigger policy. A field left out keeps its current value; `null` puts it back to
 * intake's configured default (INTAKE_*). Values come only from the contracts' vocabularies.
 */
export class PutTriggerPolicyDto {
  /** `["all"]`, or the profession groups served; at least one. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROFESSION_GROUPS.length + 1)
  @ArrayUnique()
  @IsIn([...PROFESSION_GROUPS, 'all'], { each: true })
  servedProfessions?: (ProfessionGroup | 'all')[] | null;

  /** Incident categories that lead to outreach; empty: incidents are recorded only. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(INCIDENT_CATEGORIES.length)
  @ArrayUnique()
  @IsIn(INCIDENT_CATEGORIES, { each: true })
  outreachCategories?: IncidentCategory[] | null;

  /** The least harm for which an incident leads to outreach. */
  @IsOptional()
  @IsIn(HARM_LEVELS)
  minHarmLevel?: HarmLevel | null;

  /** Claim-notice kinds that lead to outreach; empty: claim notices are recorded only. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LAWSUIT_KINDS.length)
  @ArrayUnique()
  @IsIn(LAWSUIT_KINDS, { each: true })
  lawsuitKinds?: LawsuitKind[] | null;

  /** Hours a clinician sent a support request is not paged again; 0 = never absorbed. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(24 * 365)
  cooldownHours?: number | null;
}
